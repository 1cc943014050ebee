import fc from 'fast-check';
import type { CustomerQuery, CustomerUserQuery, CustomerUsersOfCustomerQuery, DataSource } from '../../src/domain/data-source';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import { listFilterOf, matchesListFilter, type ListFilter, type ListKind } from '../../src/domain/list-filter';
import { firstPage, pageOfAll } from '../../src/domain/page';
import { idKey, Validity, type CustomerRecord, type CustomerUserRecord } from '../../src/domain/records';
import { customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';
import { DataSourceRegistry } from '../../src/registry/data-source-registry';

// The totalCount of a merged list counts a record that several sources hold (the same customer id
// or login, any case) once, as the merged list shows it once; and it does so without reading any
// source's whole list: a source that holds its lists in memory names its keys (`listedKeys`), the
// others are asked by one batched lookup per source.

const { VALID, INVALID } = Validity;

function customer(customerId: string, name: string, valid = VALID): CustomerRecord {
  return { sourceId: '', stableId: customerId, customerId, name, valid, street: null, zip: null, city: null, countryCode: null, url: null, comment: null, createdAt: null, changedAt: null };
}

function user(login: string, customerIds: readonly string[], valid = VALID, lastName = login): CustomerUserRecord {
  return {
    sourceId: '', stableId: login, login, email: `${login}@example.com`, title: null, firstName: 'F', lastName, phone: null, mobile: null,
    street: null, zip: null, city: null, countryCode: null, comment: null, valid, customerId: customerIds[0] ?? '', customerIds, createdAt: null, changedAt: null,
  };
}

/** What a fake source was asked: lookups (keys per call), listings (pages) and key lists. */
interface Calls {
  lookups: string[][];
  listings: number;
  listedKeys: number;
}

/**
 * An in-memory source with the port's list semantics (`matchesListFilter`), optionally naming its
 * keys as a directory's index does, optionally failing its lookups.
 */
function fakeSource(id: string, data: { customers?: CustomerRecord[]; users?: CustomerUserRecord[] }, options: { names?: boolean; lookupsFail?: boolean } = {}): { source: DataSource; calls: Calls } {
  const customers = (data.customers ?? []).map((c) => ({ ...c, sourceId: id }));
  const users = (data.users ?? []).map((u) => ({ ...u, sourceId: id }));
  const calls: Calls = { lookups: [], listings: 0, listedKeys: 0 };
  const kept = <R extends CustomerRecord | CustomerUserRecord>(kind: ListKind, rows: R[], filter: ListFilter) => rows.filter((r) => matchesListFilter(kind, r, filter));
  const lookup = async <R,>(rows: R[], keyOf: (r: R) => string, keys: readonly string[]) => {
    calls.lookups.push([...keys]);
    if (options.lookupsFail) throw new DataSourceUnavailableError(`${id} is down`);
    return keys.map((k) => rows.find((r) => idKey(keyOf(r)) === idKey(k)) ?? null);
  };
  const source: DataSource = {
    id,
    name: id,
    kind: 'fake',
    capabilities: { customers: true, customerUsers: true, writableCustomers: false, writableCustomerUsers: false, movesTicketsOnRename: false, dynamicFields: false, countsWithPages: false },
    customersByIds: (keys) => lookup(customers, (c) => c.customerId, keys),
    customerUsersByLogins: (keys) => lookup(users, (u) => u.login, keys),
    customersByStableIds: async () => [],
    customerUsersByStableIds: async () => [],
    listCustomers: async (q: CustomerQuery) => {
      calls.listings++;
      const rows = kept('customers', customers, listFilterOf(q));
      return pageOfAll(rows, q, customerSortKey);
    },
    listCustomerUsers: async (q: CustomerUserQuery) => {
      calls.listings++;
      return pageOfAll(kept('customerUsers', users, listFilterOf(q)), q, customerUserSortKey);
    },
    customerUsersOfCustomers: async (queries: readonly CustomerUsersOfCustomerQuery[]) => {
      calls.listings++;
      return queries.map((q) => pageOfAll(kept('customerUsers', users, listFilterOf(q)), q, customerUserSortKey));
    },
    ...(options.names
      ? {
          listedKeys: async (kind: ListKind, filters: readonly ListFilter[]) => {
            calls.listedKeys++;
            return filters.map((f) => (kind === 'customers' ? kept(kind, customers, f).map((c) => idKey(c.customerId)) : kept(kind, users, f).map((u) => idKey(u.login))));
          },
        }
      : {}),
    createCustomer: async () => { throw new Error('read-only'); },
    updateCustomer: async () => { throw new Error('read-only'); },
    createCustomerUser: async () => { throw new Error('read-only'); },
    updateCustomerUser: async () => { throw new Error('read-only'); },
    ping: async () => undefined,
    close: async () => undefined,
  };
  return { source, calls };
}

const ALL = [VALID, INVALID, Validity.INVALID_TEMPORARILY];
const customers = (search: string | null = null, valid = [VALID], size = 2): CustomerQuery => ({ search, valid, ...firstPage(size) });

/** Every page of a merged customer list, walked forward: the records it shows. */
async function walk(registry: DataSourceRegistry, q: CustomerQuery): Promise<string[]> {
  const out: string[] = [];
  let after = q.after;
  for (;;) {
    const page = await registry.listCustomers({ ...q, after }, null);
    out.push(...page.nodes.map((c) => c.customerId));
    if (!page.hasNextPage) return out;
    after = page.endKey;
  }
}

describe('merged totals count a record of two sources once', () => {
  // The database first (asked by lookups), the directory second (names its keys).
  const database = () =>
    fakeSource('db', {
      customers: [customer('ACME', 'Acme'), customer('globex', 'Globex'), customer('LOCAL', 'Local only'), customer('OLD', 'Old', INVALID)],
    });
  const directory = () =>
    fakeSource('dir', { customers: [customer('acme', 'Acme (directory)'), customer('GLOBEX', 'Globex'), customer('DIRONLY', 'Directory only'), customer('old', 'Old, valid here')] }, { names: true });

  test('database then directory: the total is the number of records the merged list shows; one lookup, in the database', async () => {
    const db = database();
    const dir = directory();
    const registry = new DataSourceRegistry([db.source, dir.source]);
    const page = await registry.listCustomers(customers(), null);
    // ACME and GLOBEX are in both; OLD is invalid in the database, so the directory's valid copy is listed.
    expect(page.totalCount).toBe(5);
    expect(dir.calls.lookups).toEqual([]);
    expect(db.calls.lookups).toEqual([['acme', 'globex', 'dironly', 'old']]);
    expect(dir.calls.listedKeys).toBe(1);
    expect((await walk(registry, customers())).sort()).toEqual(['ACME', 'DIRONLY', 'LOCAL', 'globex', 'old']);
  });

  test('directory then database: the same total; the database is asked about the directory keys', async () => {
    const db = database();
    const dir = directory();
    const registry = new DataSourceRegistry([dir.source, db.source]);
    expect((await registry.listCustomers(customers(), null)).totalCount).toBe(5);
    expect(db.calls.lookups).toEqual([['acme', 'globex', 'dironly', 'old']]);
    expect((await walk(registry, customers())).sort()).toEqual(['DIRONLY', 'GLOBEX', 'LOCAL', 'acme', 'old']);
  });

  test('every validity, and a search: only the records the filter keeps count, each once', async () => {
    const registry = new DataSourceRegistry([database().source, directory().source]);
    // ACME, GLOBEX, LOCAL, OLD (in both), DIRONLY.
    expect((await registry.listCustomers(customers(null, ALL), null)).totalCount).toBe(5);
    expect((await registry.listCustomers(customers('acme', ALL), null)).totalCount).toBe(1);
    // "only" matches LOCAL ("Local only") and DIRONLY ("Directory only"): different records.
    expect((await registry.listCustomers(customers('only', ALL), null)).totalCount).toBe(2);
    // "old": OLD of the database (invalid) and old of the directory ("Old, valid here"): one record.
    expect((await registry.listCustomers(customers('old', ALL), null)).totalCount).toBe(1);
  });

  test('two sources that cannot name their keys: the later one is listed (the rare case of two databases)', async () => {
    const a = database();
    const b = fakeSource('db2', { customers: [customer('Acme', 'Acme 2'), customer('NEW', 'New')] });
    const registry = new DataSourceRegistry([a.source, b.source]);
    expect((await registry.listCustomers(customers(), null)).totalCount).toBe(4);
    expect(b.calls.listings).toBe(2); // its page, then the listing of its keys
    expect(a.calls.lookups).toEqual([['acme', 'new']]);
  });

  test('a small database beside a large directory is listed (one page) instead of asked about every directory key', async () => {
    const db = fakeSource('db', { customers: [customer('C-0007', 'Seven (database copy)'), customer('LOCAL', 'Local')] });
    const many = Array.from({ length: 100 }, (_, i) => customer(`C-${String(i).padStart(4, '0')}`, `Customer ${i}`));
    const dir = fakeSource('dir', { customers: many }, { names: true });
    const registry = new DataSourceRegistry([db.source, dir.source]);
    const page = await registry.listCustomers(customers(null, [VALID], 10), null);
    expect(page.totalCount).toBe(2 + 100 - 1);
    expect(db.calls.lookups).toEqual([]);
    expect(db.calls.listings).toBe(2); // its page, then its keys (one page of the listing)
    // A search the directory barely matches: the database is asked about the few keys instead.
    const few = await registry.listCustomers(customers('customer 7', [VALID], 10), null);
    expect(few.totalCount).toBe(11); // Customer 7, 70..79 (C-0007's database copy is named otherwise)
    expect(db.calls.lookups).toEqual([]); // the database counts nothing for it: nothing asked
  });

  test('a list of one source, or whose other sources count nothing, asks nothing more', async () => {
    const db = database();
    const empty = fakeSource('empty', {}, { names: true });
    const registry = new DataSourceRegistry([db.source, empty.source]);
    expect((await registry.listCustomers(customers(), null)).totalCount).toBe(3);
    expect((await registry.listCustomers(customers(), 'db')).totalCount).toBe(3);
    expect(db.calls.lookups).toEqual([]);
    expect(empty.calls.listedKeys).toBe(0);
  });

  test('a lookup that fails leaves the total as the sum of the sources (and the list served)', async () => {
    const db = fakeSource('db', { customers: [customer('ACME', 'Acme')] }, { lookupsFail: true });
    const dir = fakeSource('dir', { customers: [customer('acme', 'Acme')] }, { names: true });
    const registry = new DataSourceRegistry([db.source, dir.source]);
    const page = await registry.listCustomers(customers(), null);
    expect(page.nodes.map((c) => c.sourceId)).toEqual(['db']);
    expect(page.totalCount).toBe(2);
    expect(registry.statusOf('db').available).toBe(false);
  });

  test("customers' user lists: each total counts a user of both sources once, one lookup for the whole batch", async () => {
    const db = fakeSource('db', { users: [user('jdoe', ['ACME']), user('asmith', ['ACME', 'GLOBEX']), user('local', ['GLOBEX'])] });
    const dir = fakeSource('dir', { users: [user('JDOE', ['acme']), user('asmith', ['GLOBEX']), user('dirk', ['ACME'])] }, { names: true });
    const registry = new DataSourceRegistry([db.source, dir.source]);
    const queries: CustomerUsersOfCustomerQuery[] = ['ACME', 'GLOBEX', 'NONE'].map((customerId) => ({ customerId, valid: [VALID], ...firstPage(10) }));
    const pages = await registry.customerUsersOfCustomers(queries);
    // ACME: jdoe (both), asmith (db), dirk (dir). GLOBEX: asmith (both), local (db). NONE: nobody.
    expect(pages.map((p) => p.totalCount)).toEqual([3, 2, 0]);
    expect(pages.map((p) => p.nodes.length)).toEqual([3, 2, 0]);
    expect(db.calls.lookups).toHaveLength(1);
    expect(dir.calls.listedKeys).toBe(1);
    // The customer user list, with and without a customer.
    expect((await registry.listCustomerUsers({ search: null, valid: [VALID], customerId: null, ...firstPage(2) }, null)).totalCount).toBe(4);
    expect((await registry.listCustomerUsers({ search: 'smith', valid: [VALID], customerId: 'acme', ...firstPage(2) }, null)).totalCount).toBe(1);
  });

  test('any records, sources and filters: the total is the number of distinct keys the filter keeps, and what a walk of the pages shows', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const names: Record<string, string> = { a: 'Alpha', b: 'Beta', c: 'Gamma', d: 'Delta', e: 'Eta', f: 'Phi' };
    // A record's copies in two sources usually agree; `renamed` makes one differ (another name).
    const record = fc.record({ id: fc.constantFrom(...ids), upper: fc.boolean(), renamed: fc.boolean(), valid: fc.constantFrom(VALID, INVALID) });
    const sourceArb = fc.record({ rows: fc.uniqueArray(record, { selector: (r) => r.id, maxLength: 6 }), names: fc.boolean() });
    await fc.assert(
      // `bulk`: a large directory at some position, so that small sources are listed rather than asked.
      fc.asyncProperty(fc.array(sourceArb, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(4)), fc.constantFrom(null, 'a', 'ta', 'b', 'x'), fc.constantFrom([VALID], ALL), async (specs, bulk, search, valid) => {
        const data = specs.map((spec) => spec.rows.map((r) => customer(r.upper ? r.id.toUpperCase() : r.id, r.renamed ? `${names[r.id]} X` : names[r.id]!, r.valid)));
        const named = specs.map((spec) => spec.names);
        if (bulk !== null) {
          data.splice(Math.min(bulk, data.length), 0, [...ids.map((id) => customer(id, names[id]!)), ...Array.from({ length: 200 }, (_, i) => customer(`bulk${i}`, `Bulk ${i} beta`))]);
          named.splice(Math.min(bulk, named.length), 0, true);
        }
        const registry = new DataSourceRegistry(data.map((rows, i) => fakeSource(`s${i}`, { customers: rows }, { names: named[i] }).source));
        const q = customers(search, valid, 2);
        const filter = listFilterOf(q);
        const distinct = new Set(data.flatMap((rows) => rows.filter((c) => matchesListFilter('customers', c, filter)).map((c) => idKey(c.customerId))));
        expect((await registry.listCustomers(q, null)).totalCount).toBe(distinct.size);
        // Copies that sort alike (the same name): the pages show each record once, all of them.
        if (bulk === null && !specs.some((s) => s.rows.some((r) => r.renamed))) expect(await walk(registry, q)).toHaveLength(distinct.size);
      }),
      { numRuns: 300 },
    );
  });
});
