import { publishCommitted, SILENT_FEED, type ChangeFeed, type TicketOwners } from '../domain/change-feed';
import { NotFoundError, ValidationError } from '../domain/errors';
import { isPendingType, TICKET_STATES, type TicketRecord, type TicketStore } from '../domain/tickets';
import type { DataSourceRegistry } from '../registry/data-source-registry';
import { newTicketSchema, ticketPatchSchema } from '../validation/inputs';
import { parseInput } from '../validation/rules';
import { takeRecord } from './service-helpers';

/** Creates and changes tickets of the helpdesk database. */
export class TicketService {
  constructor(
    private readonly sources: DataSourceRegistry,
    private readonly tickets: TicketStore,
    private readonly feed: Pick<ChangeFeed, 'publish' | 'publishesInTransaction'> = SILENT_FEED,
  ) {}

  /** createTicket: the customer is the user's primary customer unless customerId is given. */
  async create(input: Record<string, unknown>, now: Date): Promise<TicketRecord> {
    const t = parseInput(newTicketSchema, input);
    const stateType = TICKET_STATES.get(t.state)!;
    const pendingUntil = pendingFor(stateType, t.pendingUntil ?? null, null);
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
    const created = await this.tickets.create(
      { title: t.title, state: t.state, stateType, priority: t.priority, queue: t.queue, customerId, customerUserLogin, pendingUntil, escalationAt: t.escalationAt ?? null },
      now,
    );
    publishCommitted(this.feed, () => ({ tickets: [{ number: created.number, before: null, after: owners(created) }], committedAt: Date.now() }));
    return created;
  }

  /** updateTicket: only the given fields change; leaving a pending state clears pendingUntil. */
  async update(number: string, input: Record<string, unknown>, now: Date): Promise<TicketRecord> {
    const [current] = await this.tickets.byNumbers([number]);
    if (!current) throw new NotFoundError(`Ticket '${number}' does not exist`, 'number');
    const patch = parseInput(ticketPatchSchema, input);
    const state = patch.state ?? current.state;
    const stateType = TICKET_STATES.get(state) ?? current.stateType;
    const pendingUntil = pendingFor(stateType, patch.pendingUntil, current.pendingUntil);
    const updated = await this.tickets.update(number, { ...patch, state, stateType, pendingUntil }, now);
    publishCommitted(this.feed, () => ({ tickets: [{ number: updated.number, before: owners(current), after: owners(updated) }], committedAt: Date.now() }));
    return updated;
  }
}

function owners(t: TicketRecord): TicketOwners {
  return { customerId: t.customerId, customerUserLogin: t.customerUserLogin };
}

/**
 * The pendingUntil a ticket of this state type keeps: required for pending states (given or
 * kept), refused when given for other states, cleared when the ticket leaves a pending state.
 */
function pendingFor(type: ReturnType<typeof TICKET_STATES.get> & {}, given: Date | null | undefined, current: Date | null): Date | null {
  if (isPendingType(type)) {
    const value = given === undefined ? current : given;
    if (!value) throw new ValidationError('pendingUntil', 'pendingUntil is required for pending states');
    return value;
  }
  if (given) throw new ValidationError('pendingUntil', 'pendingUntil applies to pending states only');
  return null;
}
