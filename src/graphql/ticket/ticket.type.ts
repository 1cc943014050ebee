import { Field, ID, ObjectType } from 'type-graphql';
import { TicketStateType } from '../common/enums';
import { Connection } from '../common/connection';
import { Node } from '../node/node.type';
import { DateTimeScalar } from '../common/scalars';

@ObjectType({ implements: Node, description: 'A ticket of the helpdesk (customer data only: no articles).' })
export class Ticket extends Node {

  @Field({ description: 'The ticket number, unique.' })
  number!: string;

  @Field()
  title!: string;

  @Field({ description: "The state's name, e.g. 'open' or 'closed successful'." })
  state!: string;

  @Field(() => TicketStateType)
  stateType!: TicketStateType;

  @Field()
  priority!: string;

  @Field()
  queue!: string;

  @Field(() => ID, { nullable: true })
  customerId!: string | null;

  @Field(() => ID, { nullable: true })
  customerUserLogin!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  changedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the ticket escalates (or escalated); null when no escalation applies.' })
  escalationAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a pending ticket's reminder or auto-close time is reached; null when not pending." })
  pendingUntil!: Date | null;
}

@ObjectType({ description: 'A page of tickets.' })
export class TicketConnection extends Connection(Ticket) {}
