import { Field, ID, ObjectType } from 'type-graphql';
import { TicketStateType } from '../common/enums';
import { Connection } from '../common/connection';
import { Node } from '../node/node.type';
import { DateTimeScalar } from '../common/scalars';

@ObjectType({ simpleResolvers: true, implements: Node, description: 'A ticket of the helpdesk (customer data only: no articles).' })
export class Ticket extends Node {

  @Field({ description: 'The ticket number, unique.' })
  number!: string;

  @Field({ description: 'The subject line.' })
  title!: string;

  @Field({ description: "The state's name, e.g. 'open' or 'closed successful'." })
  state!: string;

  @Field(() => TicketStateType, { description: 'The state type of state; what the counts and widgets go by.' })
  stateType!: TicketStateType;

  @Field({ description: "The priority, e.g. '3 normal'." })
  priority!: string;

  @Field({ description: 'The queue the ticket is filed in.' })
  queue!: string;

  @Field(() => ID, { nullable: true, description: "The ticket's customer id; null when the ticket has none." })
  customerId!: string | null;

  @Field(() => ID, { nullable: true, description: "The login of the ticket's customer user; null when the ticket has none." })
  customerUserLogin!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the ticket was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the ticket was last changed.' })
  changedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the ticket escalates (or escalated); null when no escalation applies.' })
  escalationAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a pending ticket's reminder or auto-close time is reached; null when not pending." })
  pendingUntil!: Date | null;
}

@ObjectType({ description: 'A page of tickets.' })
export class TicketConnection extends Connection(Ticket) {}
