import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType()
export class Country {
  @Field(() => ID, { description: "ISO 3166-1 alpha-2 code, e.g. 'DE'." })
  code!: string;

  @Field({ description: "English short name, e.g. 'Germany'." })
  name!: string;
}
