import { ReadOnlyDataSourceError } from '../../src/domain/errors';
import { firstPage } from '../../src/domain/page';
import { Validity } from '../../src/domain/records';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';
import { TicketStateType, type TicketListKind, type TicketListSpec } from '../../src/domain/tickets';
import type { ZnunyStore } from '../../adapters/znuny/znuny-store';
import { DEFAULT_VIEWABLE_STATE_TYPES, expectedCounts } from './znuny-predicates';
import type { ZnunyFixture } from './znuny-fixture';
import { openFixtureStore, stopServers, ZNUNY_ENGINES, znunyFixture } from './znuny-helpers';

afterAll(() => stopServers(), 60_000);

const CUSTOMERS = ['ACME', 'globex', 'MUELLER', 'INITECH', 'UMBRELLA', 'GONE-CORP'];
const USERS = ['asmith', 'jdoe', 'bsmith', 'hsimpson', 'zoe.mueller', 'pgibbons', 'old.timer', 'alice.smith@acme.example'];

describe.each(ZNUNY_ENGINES)('Znuny tickets on %s', (engine) => {
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

  test('every count equals Znuny predicates written as SQL (invalid states, archived tickets, escalations, reminders)', async () => {
    for (const [owner, ids] of [['customer', CUSTOMERS], ['customerUser', USERS]] as const) {
      const before = statements();
      // As stored: GONE-CORP has no customer row, so nothing but its spelling names it on PostgreSQL.
      const counts = await store.tickets.counts(owner, ids, now(), { escalated: true }, ALL_TICKETS);
      expect(statements() - before).toBe(1);
      for (const [i, id] of ids.entries()) {
        const want = await expectedCounts(fixture, owner, id, DEFAULT_VIEWABLE_STATE_TYPES, { now: fixture.now });
        expect({ id, ...counts[i] }).toEqual({
          id, open: want.open, closed: want.closed, total: want.total, pendingReminder: want.pendingReminder,
          escalated: want.escalated, reminderReached: want.reminderReached, byStateType: null,
        });
      }
    }
    const [acme] = await store.tickets.counts('customer', ['ACME'], now(), {}, ALL_TICKETS);
    // The fixture holds every case on ACME: none of them may be zero.
    expect(acme).toMatchObject({ open: expect.any(Number), closed: expect.any(Number) });
    for (const v of [acme!.open, acme!.closed, acme!.escalated, acme!.reminderReached, acme!.pendingReminder]) expect(v).toBeGreaterThan(0);
  });

  test('the case-variant ticket belongs to its customer as the database compares (MariaDB ignores case, PostgreSQL does not)', async () => {
    const [acme] = await store.tickets.counts('customer', ['ACME'], now(), {}, ALL_TICKETS);
    const binary = fixture.dialect === 'mysql' ? 'BINARY ' : '';
    const exact = await fixture.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ticket WHERE ${binary}customer_id = 'ACME' AND archive_flag = 0`);
    const anyCase = await fixture.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ticket WHERE lower(customer_id) = 'acme' AND archive_flag = 0`);
    if (fixture.seeded.caseVariantTicket) {
      expect(Number(anyCase[0]!.n)).toBe(Number(exact[0]!.n) + 1);
      expect(acme!.total).toBe(Number(anyCase[0]!.n));
    } else {
      expect(acme!.total).toBe(Number(exact[0]!.n));
    }
  });

  test('viewable state types follow the configuration', async () => {
    const { store: narrow } = await openFixtureStore(fixture, { viewableStateTypes: ['new', 'open'] });
    try {
      const [acme] = await narrow.tickets.counts('customer', ['ACME'], now(), {}, ALL_TICKETS);
      const want = await expectedCounts(fixture, 'customer', 'ACME', ['new', 'open'], { now: fixture.now });
      expect(acme).toMatchObject({ open: want.open, closed: want.closed, total: want.total });
    } finally {
      await narrow.close();
    }
  });

  test('widget lists hold what the counts count, in order, paged both ways, in one statement per batch', async () => {
    const kinds: TicketListKind[] = ['escalated', 'reminder', 'open', 'all'];
    const specs: TicketListSpec[] = kinds.map((kind) => ({ ...firstPage(100), owner: 'customer', ownerId: 'ACME', kind, stateTypes: null, reachedOnly: false }));
    const before = statements();
    const lists = await store.tickets.lists(specs, now(), ALL_TICKETS);
    expect(statements() - before).toBe(1);
    const [counts] = await store.tickets.counts('customer', ['ACME'], now(), {}, ALL_TICKETS);
    expect(lists.map((l) => l.nodes.length)).toEqual([counts!.escalated, counts!.pendingReminder, counts!.open, counts!.total]);
    const escalated = lists[0]!.nodes;
    expect(escalated.map((t) => t.escalationAt!.getTime())).toEqual([...escalated.map((t) => t.escalationAt!.getTime())].sort((a, b) => a - b));
    for (const t of escalated) expect(t.escalationAt!.getTime()).toBeLessThanOrEqual(now().getTime());
    const all = lists[3]!.nodes;
    expect(all.map((t) => t.createdAt.getTime())).toEqual([...all.map((t) => t.createdAt.getTime())].sort((a, b) => b - a));
    // A forward walk in pages of 3 and a backward walk give the same tickets.
    const walk = async (backward: boolean) => {
      const seen: string[] = [];
      let cursor: (string | number)[] | null = null;
      for (let i = 0; i < 50; i++) {
        const spec: TicketListSpec = { owner: 'customer', ownerId: 'ACME', kind: 'all', stateTypes: null, reachedOnly: false, size: 3, backward, after: backward ? null : cursor, before: backward ? cursor : null };
        const [page] = await store.tickets.lists([spec], now(), ALL_TICKETS);
        const numbers = page!.nodes.map((t) => t.number);
        if (backward) seen.unshift(...numbers);
        else seen.push(...numbers);
        if (backward ? !page!.hasPreviousPage : !page!.hasNextPage) return seen;
        cursor = (backward ? page!.startKey : page!.endKey) as (string | number)[];
      }
      throw new Error('no end');
    };
    const forward = await walk(false);
    expect(forward).toEqual(all.map((t) => t.number));
    expect(await walk(true)).toEqual(forward);
  });

  test('ticket fields as Znuny keeps them; archived tickets are found by number but in no list', async () => {
    const ids = fixture.seeded.tickets;
    const [escalated, reminder, auto, archived] = await store.tickets.byIds(
      [ids['acme-open-escalated']!, ids['acme-reminder-reached']!, ids['acme-pending-auto']!, ids['acme-archived-open']!],
      ALL_TICKETS,
    );
    expect(escalated).toMatchObject({ state: 'open', stateType: TicketStateType.OPEN, queue: 'Support', priority: '5 very high', customerId: 'ACME', customerUserLogin: 'jdoe' });
    expect(escalated!.escalationAt!.getTime()).toBe((fixture.now - 7200) * 1000);
    expect(reminder).toMatchObject({ stateType: TicketStateType.PENDING_REMINDER, pendingUntil: new Date((fixture.now - 3600) * 1000) });
    expect(auto!.stateType).toBe(TicketStateType.PENDING_AUTO);
    expect(auto!.pendingUntil).toBeInstanceOf(Date);
    expect(escalated!.pendingUntil).toBeNull();
    expect(archived).not.toBeNull();
    const [byNumber] = await store.tickets.byNumbers([archived!.number], ALL_TICKETS);
    expect(byNumber!.id).toBe(archived!.id);
    const [all] = await store.tickets.lists([{ ...firstPage(100), owner: 'customer', ownerId: 'ACME', kind: 'all', stateTypes: null, reachedOnly: false }], now(), ALL_TICKETS);
    expect(all!.nodes.map((t) => t.id)).not.toContain(archived!.id);
  });

  test('creating or changing a ticket is refused with READ_ONLY_DATA_SOURCE, and nothing is written', async () => {
    const before = await fixture.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM ticket`);
    await expect(
      store.tickets.create({ title: 'x', state: 'new', stateType: TicketStateType.NEW, priority: '3 normal', queue: 'Raw', customerId: 'ACME', customerUserLogin: null, escalationAt: null, pendingUntil: null }, now()),
    ).rejects.toBeInstanceOf(ReadOnlyDataSourceError);
    await expect(store.tickets.update('1', { title: 'y' }, now())).rejects.toBeInstanceOf(ReadOnlyDataSourceError);
    expect(await fixture.sql(`SELECT COUNT(*) AS n FROM ticket`)).toEqual(before);
  });

  test('dynamic fields: valid fields with values, display values from the YAML configuration, dates, one statement per batch', async () => {
    const before = statements();
    const [acme, mueller, globex, none] = await store.source.dynamicFieldsOf!('customer', ['acme', 'MUELLER', 'globex', 'INITECH']);
    expect(statements() - before).toBe(1);
    expect(acme).toEqual([
      { name: 'ContractLevel', label: 'Contract level', fieldType: 'Dropdown', values: ['gold'], displayValues: ['Gold'] },
      { name: 'AccountManager', label: 'Account manager', fieldType: 'Text', values: ['Maria Schmidt'], displayValues: ['Maria Schmidt'] },
      { name: 'ContractEnd', label: 'Contract end', fieldType: 'Date', values: ['2026-12-31'], displayValues: ['2026-12-31'] },
    ]);
    expect(mueller!.map((f) => f.values[0])).toEqual(['silver', 'Jürgen Weiß']);
    expect(globex!.map((f) => f.name)).toEqual(['AccountManager']);
    expect(none).toEqual([]);
    const [jdoe, zoe, asmith] = await store.source.dynamicFieldsOf!('customerUser', ['jdoe', 'zoe.mueller', 'asmith']);
    expect(jdoe).toEqual([
      { name: 'Languages', label: 'Languages', fieldType: 'Multiselect', values: ['de', 'en'], displayValues: ['German', 'English'] },
      { name: 'Newsletter', label: 'Newsletter', fieldType: 'Checkbox', values: ['1'], displayValues: ['1'] },
      { name: 'LastContact', label: 'Last contact', fieldType: 'DateTime', values: ['2025-03-04T05:06:07.000Z'], displayValues: ['2025-03-04T05:06:07.000Z'] },
    ]);
    expect(zoe!.map((f) => f.values)).toEqual([['de'], ['0']]);
    expect(asmith).toEqual([]);
  });

  test('countries from English names; customer users with their further customer ids', async () => {
    const [acme] = await store.source.customersByIds(['ACME']);
    expect(acme!.countryCode).toBe('DE');
    const page = await store.source.listCustomerUsers({ ...firstPage(100), search: null, valid: [Validity.VALID], customerId: 'globex' });
    expect(page.nodes.map((u) => u.login)).toContain('jdoe');
    const [jdoe] = await store.source.customerUsersByLogins(['JDOE']);
    expect(jdoe!.customerIds[0]).toBe(jdoe!.customerId);
    expect(jdoe!.customerIds.length).toBeGreaterThan(1);
  });
});
