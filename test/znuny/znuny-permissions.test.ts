import { firstPage } from '../../src/domain/page';
import { ALL_TICKETS, type TicketScope } from '../../src/domain/ticket-scope';
import type { ZnunyStore } from '../../adapters/znuny/znuny-store';
import { DEFAULT_VIEWABLE_STATE_TYPES, expectedCounts, readableQueueIds } from './znuny-predicates';
import type { ZnunyFixture } from './znuny-fixture';
import { openFixtureStore, stopServers, ZNUNY_ENGINES, znunyFixture } from './znuny-helpers';

// Znuny agents' permissions as the ticket store resolves them, against SQL written from Znuny's
// own permission rules (direct ro / rw, through valid roles with permission_value 1, valid
// groups only, none for an invalid or unknown agent, all for agent id 1), and every count, list
// and lookup under an agent's scope equal to Znuny's predicates restricted to its queues.

afterAll(() => stopServers(), 60_000);

const AGENTS = ['root@localhost', 'agent-direct', 'agent-rw', 'agent-role', 'agent-invalid', 'agent-retired-role', 'agent-legacy', 'nobody-here'];
const CUSTOMERS = ['ACME', 'globex', 'MUELLER'];

describe.each(ZNUNY_ENGINES)('Znuny agent permissions on %s', (engine) => {
  let fixture: ZnunyFixture;
  let store: ZnunyStore;
  let statements: () => number;
  beforeAll(async () => {
    fixture = await znunyFixture(engine);
    ({ store, statements } = await openFixtureStore(fixture));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await fixture?.dispose();
  });
  const now = () => new Date(fixture.now * 1000);

  test.each(AGENTS)('%s: the readable queues are those of Znuny\'s permission rules', async (agent) => {
    const scope = await store.tickets.agentScope!(agent);
    const want = await readableQueueIds(fixture, agent);
    const allQueues = (await fixture.sql<{ id: number }>(`SELECT id FROM queue`)).map((r) => Number(r.id));
    if (scope.kind === 'all') expect(want.sort()).toEqual(allQueues.sort());
    else expect(scope.kind === 'queueIds' ? [...scope.ids].sort((a, b) => a - b) : scope.patterns).toEqual(want);
  });

  test('the fixture has agents that see some, none and all queues', async () => {
    const sizes = await Promise.all(AGENTS.map(async (a) => (await readableQueueIds(fixture, a)).length));
    expect(sizes.some((n) => n === 0)).toBe(true);
    expect(new Set(sizes).size).toBeGreaterThan(3);
  });

  test.each(AGENTS)('%s: counts, widget lists and lookups hold only readable tickets, in the same statements', async (agent) => {
    const scope: TicketScope = await store.tickets.agentScope!(agent);
    const before = statements();
    const counts = await store.tickets.counts('customer', CUSTOMERS, now(), {}, scope);
    expect(statements() - before).toBe(1);
    for (const [i, id] of CUSTOMERS.entries()) {
      const want = await expectedCounts(fixture, 'customer', id, DEFAULT_VIEWABLE_STATE_TYPES, { now: fixture.now, agentLogin: agent });
      expect({ id, ...counts[i], byStateType: undefined }).toEqual({
        id, open: want.open, closed: want.closed, total: want.total, pendingReminder: want.pendingReminder, escalated: want.escalated, reminderReached: want.reminderReached, byStateType: undefined,
      });
    }
    const [all] = await store.tickets.lists([{ ...firstPage(100), owner: 'customer', ownerId: 'ACME', kind: 'all', stateTypes: null, reachedOnly: false }], now(), scope);
    expect(all!.nodes).toHaveLength(counts[0]!.total);
    const readable = new Set(await readableQueueIds(fixture, agent));
    const ids = Object.values(fixture.seeded.tickets);
    const found = await store.tickets.byIds(ids, scope);
    const queues = new Map((await fixture.sql<{ id: number; queue_id: number }>(`SELECT id, queue_id FROM ticket`)).map((r) => [Number(r.id), Number(r.queue_id)]));
    found.forEach((t, i) => expect({ id: ids[i], visible: t !== null }).toEqual({ id: ids[i], visible: readable.has(queues.get(ids[i]!)!) }));
  });

  test('every ticket of every queue under the scope of all', async () => {
    const ids = Object.values(fixture.seeded.tickets);
    expect((await store.tickets.byIds(ids, ALL_TICKETS)).every((t) => t !== null)).toBe(true);
  });
});
