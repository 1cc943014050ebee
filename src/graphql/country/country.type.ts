import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'A country, as ISO 3166-1 knows it. Select both fields wherever you select a country, so that caches merge it without loss.' })
export class Country {
  @Field(() => ID, { description: "ISO 3166-1 alpha-2 code, e.g. 'DE'." })
  code!: string;

  @Field({ description: "English short name, e.g. 'Germany'." })
  name!: string;
}
