import { publishCommitted, SILENT_FEED, type ChangeFeed, type TicketOwners } from '../domain/change-feed';
import { NotFoundError, ValidationError } from '../domain/errors';
import { ALL_TICKETS, queueInScope, type TicketScope } from '../domain/ticket-scope';
import { isPendingType, type TicketRecord, type TicketStateType, type TicketStore } from '../domain/tickets';
import { newTicketSchema, ticketPatchSchema, type NewTicketInput, type TicketPatchInput } from '../domain/write-inputs';
import type { DataSourceRegistry } from '../registry/data-source-registry';
import { parseInput } from '../validation/parse-input';
import { takeRecord } from './service-helpers';

/** Creates and changes tickets of the helpdesk database. */
export class TicketService {
  constructor(
    private readonly sources: DataSourceRegistry,
    private readonly tickets: TicketStore,
    private readonly feed: Pick<ChangeFeed, 'publish' | 'publishesInTransaction'> = SILENT_FEED,
  ) {}

  /**
   * createTicket: the customer is the user's primary customer unless customerId is given. A
   * caller restricted to queues creates tickets in those queues only (`BAD_USER_INPUT` on `queue`).
   */
  async create(input: NewTicketInput, now: Date, scope: TicketScope = ALL_TICKETS): Promise<TicketRecord> {
    const t = parseInput(newTicketSchema, input);
    assertQueueInScope(scope, t.queue);
    const pendingUntil = pendingFor(t.stateType, t.pendingUntil, null);
    if (!t.customerUserLogin && !t.customerId) {
      throw new ValidationError('customerUserLogin', 'customerUserLogin or customerId is required: a ticket needs a customer');
    }
    let customerUserLogin: string | null = null;
    let customerId: string | null = null;
    if (t.customerUserLogin) {
      const [found] = await this.sources.customerUsersByLogins([t.customerUserLogin]);
      const user = takeRecord(found);
      if (!user) throw new NotFoundError(`Customer user '${t.customerUserLogin}' does not exist`, 'customerUserLogin');
      customerUserLogin = user.login;
      customerId = user.customerId;
    }
    if (t.customerId) {
      const [found] = await this.sources.customersByIds([t.customerId]);
      const customer = takeRecord(found);
      if (!customer) throw new NotFoundError(`Customer '${t.customerId}' does not exist`, 'customerId');
      customerId = customer.customerId;
    }
    const created = await this.tickets.create({ ...t, customerId, customerUserLogin, pendingUntil }, now);
    publishCommitted(this.feed, () => ({ tickets: [{ number: created.number, before: null, after: owners(created) }], committedAt: Date.now() }));
    return created;
  }

  /**
   * updateTicket: only the given fields change; leaving a pending state clears pendingUntil. A
   * ticket outside the caller's scope does not exist for it (`NOT_FOUND`), and it cannot move a
   * ticket to a queue outside its scope (`BAD_USER_INPUT` on `queue`).
   */
  async update(number: string, input: TicketPatchInput, now: Date, scope: TicketScope = ALL_TICKETS): Promise<TicketRecord> {
    const [current] = await this.tickets.byNumbers([number], scope);
    if (!current) throw new NotFoundError(`Ticket '${number}' does not exist`, 'number');
    const patch = parseInput(ticketPatchSchema, input);
    if (patch.queue !== undefined && patch.queue !== current.queue) assertQueueInScope(scope, patch.queue);
    const state = patch.state ?? current.state;
    const stateType = patch.stateType ?? current.stateType;
    const pendingUntil = pendingFor(stateType, patch.pendingUntil, current.pendingUntil);
    const updated = await this.tickets.update(number, { ...patch, state, stateType, pendingUntil }, now);
    publishCommitted(this.feed, () => ({ tickets: [{ number: updated.number, before: owners(current), after: owners(updated) }], committedAt: Date.now() }));
    return updated;
  }
}

/** A ticket written by a caller restricted to queues stays in them. */
function assertQueueInScope(scope: TicketScope, queue: string): void {
  if (scope.kind !== 'all' && !queueInScope(scope, queue)) throw new ValidationError('queue', 'The queue is not one of the queues this caller may see');
}

function owners(t: TicketRecord): TicketOwners {
  return { customerId: t.customerId, customerUserLogin: t.customerUserLogin };
}

/**
 * The pendingUntil a ticket of this state type keeps: required for pending states (given or
 * kept), refused when given for other states, cleared when the ticket leaves a pending state.
 */
function pendingFor(type: TicketStateType, given: Date | null | undefined, current: Date | null): Date | null {
  if (isPendingType(type)) {
    const value = given === undefined ? current : given;
    if (!value) throw new ValidationError('pendingUntil', 'pendingUntil is required for pending states');
    return value;
  }
  if (given) throw new ValidationError('pendingUntil', 'pendingUntil applies to pending states only');
  return null;
}
