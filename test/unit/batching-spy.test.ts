import type { DataSource } from '../../src/domain/data-source';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';
import type { TicketStore } from '../../src/domain/tickets';
import { createLoaders } from '../../src/graphql/loaders';
import { DataSourceRegistry } from '../../src/registry/data-source-registry';
import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** Records the keys of every batch call a source or ticket store receives, as DataLoader's own tests do. */
function recording<T extends object>(target: T, methods: readonly (keyof T & string)[]): { spy: T; calls: Record<string, unknown[][]> } {
  const calls: Record<string, unknown[][]> = Object.fromEntries(methods.map((m) => [m, []]));
  const spy = new Proxy(target, {
    get(t, name, receiver) {
      const value = Reflect.get(t, name, receiver);
      if (typeof name !== 'string' || !methods.includes(name as keyof T & string) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const keys = args.find(Array.isArray) as unknown[];
        calls[name]!.push([...keys]);
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { spy, calls };
}

describe('per-request loaders batch: the keys each batch call received', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ http: false, prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  function loaders() {
    const source = recording<DataSource>(t.app.sources.sources[0]!, ['customersByIds', 'customerUsersByLogins', 'customerUsersOfCustomers']);
    const tickets = recording<TicketStore>(t.app.tickets, ['counts', 'lists']);
    const registry = new DataSourceRegistry([source.spy]);
    // The service's own configuration decides batching: switching it off makes this test fail.
    const l = createLoaders({ sources: registry, tickets: tickets.spy, now: new Date(), batching: t.app.config.batching, scope: ALL_TICKETS });
    return { l, source: source.calls, tickets: tickets.calls };
  }

  test('lookups of one tick reach the source as one call, keys in load order, each key once', async () => {
    const { l, source } = loaders();
    const found = await Promise.all(['acme', 'globex', 'nope', 'acme', 'mueller'].map((k) => l.customer.load(k)));
    expect(found.map((c) => c?.customerId ?? null)).toEqual(['ACME', 'globex', null, 'ACME', 'MUELLER']);
    expect(source.customersByIds).toEqual([['acme', 'globex', 'nope', 'mueller']]);
    // A later tick is a new batch; cached keys are not asked again.
    await Promise.all(['acme', 'initech'].map((k) => l.customer.load(k)));
    expect(source.customersByIds).toEqual([['acme', 'globex', 'nope', 'mueller'], ['initech']]);
  });

  test('counts, widget lists and customer user lists of many customers are one call each', async () => {
    const { l, source, tickets } = loaders();
    const owners = ['acme', 'globex', 'initech'];
    const page = { size: 5, after: null, before: null, backward: false } as const;
    await Promise.all([
      ...owners.map((o) => l.customerTicketCounts.load(o)),
      ...owners.map((o) => l.ticketList.load({ ...page, owner: 'customer', ownerId: o, kind: 'open', stateTypes: null, reachedOnly: false })),
      ...owners.map((o) => l.customerUsersOfCustomer.load({ ...page, customerId: o, valid: ['VALID' as never] })),
    ]);
    expect(tickets.counts).toEqual([owners]);
    expect(tickets.lists).toHaveLength(1);
    expect((tickets.lists[0] as { ownerId: string }[]).map((s) => s.ownerId)).toEqual(owners);
    expect(source.customerUsersOfCustomers).toHaveLength(1);
    expect((source.customerUsersOfCustomers[0] as { customerId: string }[]).map((q) => q.customerId)).toEqual(owners);
  });
});
