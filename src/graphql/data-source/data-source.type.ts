import { Field, ID, ObjectType } from 'type-graphql';
import { DataSourceObject } from '../common/enums';

@ObjectType('DataSource', { simpleResolvers: true, description: 'A configured backend: the writable helpdesk database, or an external directory.' })
export class DataSource {
  @Field(() => ID, { description: "Stable id from the configuration, e.g. 'local' or 'directory'." })
  id!: string;

  @Field({ description: 'Display name from the configuration.' })
  name!: string;

  @Field({ description: "Adapter kind: 'sqlite', 'ldap', ..." })
  kind!: string;

  @Field({ description: 'True when no record of this source can be created or changed through the API.' })
  readOnly!: boolean;

  @Field(() => [DataSourceObject], { description: 'Which records the source serves: customers, customer users or both.' })
  objects!: DataSourceObject[];

  @Field({ description: 'Whether the last contact with the backend succeeded.' })
  available!: boolean;
}
