import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'The caller as the service sees it: its name, role and what its tickets are restricted to.' })
export class Viewer {
  @Field({ description: "The token's configured name, or the signed-in user's name from the identity provider." })
  name!: string;

  @Field({ description: "'reader' or 'agent'." })
  role!: string;

  @Field({ description: "Where the caller's identity comes from: 'token' (a configured API token) or 'oidc' (a signed-in user)." })
  via!: string;

  @Field(() => [String], { nullable: true, description: 'The queues whose tickets the caller sees, by name; null when it sees every queue.' })
  queues!: readonly string[] | null;

  @Field(() => String, { nullable: true, description: 'The Znuny / OTOBO agent whose permissions restrict the caller\'s tickets, when there is one.' })
  agentLogin!: string | null;
}
