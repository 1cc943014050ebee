import type { App } from '../../src/composition/app';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';

const HOUR = 3_600_000;

/** A ticket of the hand-counted fixture, times relative to now in hours. */
export interface FixtureTicket {
  readonly title: string;
  readonly state: string;
  readonly customerId: string;
  readonly login: string | null;
  readonly createdH: number;
  readonly escalationH?: number;
  readonly pendingH?: number;
}

/**
 * Tickets whose counts are written out by hand in the tests. ACME: open 5 (new 1, open 2,
 * pending reminder 2), escalated 2, pending reminder 2 (1 reached), closed 4 (closed 2,
 * pending auto 1, merged 1), total 9. globex: 1 open, not escalated. INITECH: 1 closed.
 */
export const FIXTURE_TICKETS: readonly FixtureTicket[] = [
  { title: 'A1 new, escalated', state: 'new', customerId: 'ACME', login: 'jdoe', createdH: -50, escalationH: -2 },
  { title: 'A2 open, escalated long ago', state: 'open', customerId: 'ACME', login: 'asmith', createdH: -40, escalationH: -30 },
  { title: 'A3 open, escalates later', state: 'open', customerId: 'ACME', login: 'asmith', createdH: -30, escalationH: 5 },
  { title: 'A4 reminder reached', state: 'pending reminder', customerId: 'ACME', login: 'bsmith', createdH: -20, pendingH: -1 },
  { title: 'A5 reminder later', state: 'pending reminder', customerId: 'ACME', login: 'jdoe', createdH: -10, pendingH: 24 },
  { title: 'A6 closed', state: 'closed successful', customerId: 'ACME', login: 'jdoe', createdH: -100, escalationH: -90 },
  { title: 'A7 closed unsuccessful', state: 'closed unsuccessful', customerId: 'ACME', login: null, createdH: -90 },
  { title: 'A8 auto close', state: 'pending auto close+', customerId: 'ACME', login: 'asmith', createdH: -80, pendingH: 10 },
  { title: 'A9 merged', state: 'merged', customerId: 'ACME', login: 'bsmith', createdH: -70 },
  { title: 'G1 open', state: 'open', customerId: 'globex', login: 'hsimpson', createdH: -5, escalationH: 48 },
  { title: 'I1 closed', state: 'closed successful', customerId: 'INITECH', login: 'pgibbons', createdH: -3 },
];

/** Loads the conformance fixture and the hand-counted tickets into the app's helpdesk source. */
export async function loadFixture(app: App, now = Date.now()): Promise<void> {
  const local = app.sources.get('local');
  for (const c of FIXTURE_CUSTOMERS) await local.createCustomer(c);
  for (const u of FIXTURE_CUSTOMER_USERS) await local.createCustomerUser(u);
  const { TICKET_STATES } = await import('../../src/domain/tickets');
  for (const t of FIXTURE_TICKETS) {
    const created = await app.tickets.create(
      {
        title: t.title,
        state: t.state,
        stateType: TICKET_STATES.get(t.state)!,
        priority: '3 normal',
        queue: 'Raw',
        customerId: t.customerId,
        customerUserLogin: t.login,
        escalationAt: t.escalationH === undefined ? null : new Date(now + t.escalationH * HOUR),
        pendingUntil: t.pendingH === undefined ? null : new Date(now + t.pendingH * HOUR),
      },
      new Date(now + t.createdH * HOUR),
    );
    void created;
  }
}
