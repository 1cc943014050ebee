import type { DataSource, DataSourceCapabilities } from '../../src/domain/data-source';
import { ConflictError, NotFoundError, ReadOnlyDataSourceError } from '../../src/domain/errors';
import type { Page, SortKey } from '../../src/domain/page';
import { Validity, type CustomerRecord, type CustomerUserRecord } from '../../src/domain/records';
import { customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';
import { compareKeys } from '../../src/domain/page';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from './fixture-data';
import { definePagingTests } from './paging-suite';

/** What an adapter's test file hands to the suite. */
export interface SuiteSubject {
  /** A source holding exactly the fixture dataset (fresh for each call). */
  readonly source: DataSource;
  /** Round trips the source has made so far (the operations metric). */
  readonly operations: () => number | Promise<number>;
  /** Releases the source and whatever backs it. */
  readonly dispose: () => Promise<void>;
}

const ALL = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];
const sorted = <T>(items: readonly T[], key: (t: T) => SortKey) => [...items].sort((a, b) => compareKeys(key(a), key(b)));

async function walk<T>(fetch: (after: SortKey | null) => Promise<Page<T>>): Promise<{ nodes: T[]; pages: number }> {
  const nodes: T[] = [];
  let after: SortKey | null = null;
  for (let pages = 1; ; pages++) {
    const page: Page<T> = await fetch(after);
    nodes.push(...page.nodes);
    if (!page.hasNextPage) return { nodes, pages };
    after = page.endKey;
    if (pages > 100) throw new Error('pagination does not end');
  }
}

/**
 * The conformance suite every DataSource adapter runs from a tiny test file: reads, ordering,
 * search, pagination, batching in key order, and writes as far as `capabilities` allow; a
 * read-only adapter must refuse every write without contacting its backend.
 */
export function defineDataSourceSuite(
  name: string,
  createSubject: () => Promise<SuiteSubject>,
  capabilities: DataSourceCapabilities,
): void {
  describe(`DataSource conformance: ${name}`, () => {
    let subject: SuiteSubject;
    let source: DataSource;
    beforeAll(async () => {
      subject = await createSubject();
      source = subject.source;
    });
    afterAll(async () => subject?.dispose());

    test('declares the expected capabilities as booleans', () => {
      expect(source.capabilities).toEqual(capabilities);
      for (const v of Object.values(source.capabilities)) expect(typeof v).toBe('boolean');
      expect(typeof source.id).toBe('string');
      expect(typeof source.kind).toBe('string');
    });

    test('answers ping', async () => {
      await expect(source.ping()).resolves.toBeUndefined();
    });

    test('counts with pages as declared: the same pages, in the same round trips, with the counts of the (ticketless) fixture', async () => {
      if (!source.capabilities.countsWithPages) return;
      const zero = { total: 0, open: 0, closed: 0, pendingReminder: 0, escalated: 0, reminderReached: null, byStateType: null };
      const wanted = { now: new Date(), escalated: true, scope: ALL_TICKETS };
      const roundTrips = async <T>(read: () => Promise<T>): Promise<{ value: T; trips: number }> => {
        const before = await subject.operations();
        const value = await read();
        return { value, trips: (await subject.operations()) - before };
      };
      const query = { search: null, valid: ALL, size: 3, after: null, before: null, backward: false };
      const plain = await roundTrips(() => source.listCustomers(query));
      const withCounts = await roundTrips(() => source.listCustomersWithCounts!(query, wanted));
      expect(withCounts.trips).toBe(plain.trips);
      expect(withCounts.value.page).toEqual(plain.value);
      for (const c of withCounts.value.page.nodes) expect(withCounts.value.counts.get(c.customerId.toLowerCase()) ?? zero).toEqual(zero);
      const queries = ['ACME', 'globex'].map((customerId) => ({ customerId, valid: [Validity.VALID], size: 2, after: null, before: null, backward: false }));
      const plainUsers = await roundTrips(() => source.customerUsersOfCustomers(queries));
      const usersWithCounts = await roundTrips(() => source.customerUsersOfCustomersWithCounts!(queries, wanted));
      expect(usersWithCounts.trips).toBe(plainUsers.trips);
      expect(usersWithCounts.value.pages).toEqual(plainUsers.value);
      for (const u of usersWithCounts.value.pages.flatMap((p) => p.nodes)) expect(usersWithCounts.value.counts.get(u.login.toLowerCase()) ?? zero).toEqual(zero);
    });

    describe('customers', () => {
      test('by ids: key order, null for missing, ignoring case', async () => {
        const found = await source.customersByIds(['globex', 'nope', 'acme', 'MUELLER', 'GLOBEX']);
        expect(found.map((c) => c?.customerId ?? null)).toEqual(['globex', null, 'ACME', 'MUELLER', 'globex']);
        const acme = found[2]!;
        expect(acme).toMatchObject({ sourceId: source.id, name: 'Acme Corporation', valid: 'VALID', street: 'Main Street 1', zip: '10115', city: 'Berlin', countryCode: 'DE', url: 'https://acme.example', comment: 'Key account' });
        expect(found[3]!.name).toBe('Müller & Söhne GmbH');
        expect(await source.customersByIds([])).toEqual([]);
      });

      test('missing attributes come back as null', async () => {
        const [globex] = await source.customersByIds(['globex']);
        expect(globex).toMatchObject({ street: null, zip: null, url: null, comment: null });
      });

      test('list: VALID only by default, ordered by name then id, ignoring case', async () => {
        const page = await source.listCustomers({ search: null, valid: [Validity.VALID], size: 50, after: null , before: null, backward: false});
        const expected = sorted(FIXTURE_CUSTOMERS.filter((c) => c.valid === Validity.VALID), customerSortKey).map((c) => c.customerId);
        expect(page.nodes.map((c) => c.customerId)).toEqual(expected);
        expect(page.totalCount).toBe(expected.length);
        expect(page.hasNextPage).toBe(false);
      });

      test('list: validity filter', async () => {
        const page = await source.listCustomers({ search: null, valid: [Validity.INVALID, Validity.INVALID_TEMPORARILY], size: 50, after: null , before: null, backward: false});
        expect(page.nodes.map((c) => c.customerId).sort()).toEqual(['UMBRELLA', 'ZENITH']);
      });

      test.each([
        ['acme', ['ACME', 'ZENITH']],
        ['ACME', ['ACME', 'ZENITH']],
        ['100%', ['INITECH']],
        ['%', ['INITECH']],
        ['_', ['UMBRELLA']],
        ['*', []],
        ['söhne', ['MUELLER']],
        ['sohne', ['MUELLER']],
        ['SÖHNE', ['MUELLER']],
        [')(o=*', []],
      ])('list: search %p is a literal substring of id or name, ignoring case and accents', async (search, ids) => {
        const page = await source.listCustomers({ search, valid: ALL, size: 50, after: null , before: null, backward: false});
        expect(page.nodes.map((c) => c.customerId).sort()).toEqual([...ids].sort());
        expect(page.totalCount).toBe(ids.length);
      });

      test('list: a walk of pages of 2 equals the full list', async () => {
        const full = await source.listCustomers({ search: null, valid: ALL, size: 50, after: null , before: null, backward: false});
        const { nodes, pages } = await walk((after) => source.listCustomers({ search: null, valid: ALL, size: 2, after, before: null, backward: false }));
        expect(nodes.map((c) => c.customerId)).toEqual(full.nodes.map((c) => c.customerId));
        expect(pages).toBe(Math.ceil(FIXTURE_CUSTOMERS.length / 2));
        const page = await source.listCustomers({ search: null, valid: ALL, size: 2, after: null , before: null, backward: false});
        expect(page.totalCount).toBe(FIXTURE_CUSTOMERS.length);
        expect(page.endKey).toEqual(customerSortKey(page.nodes[1]!));
      });

      test('list: first 0 returns the total and no nodes', async () => {
        const page = await source.listCustomers({ search: null, valid: ALL, size: 0, after: null , before: null, backward: false});
        expect(page.nodes).toEqual([]);
        expect(page.totalCount).toBe(FIXTURE_CUSTOMERS.length);
      });
    });

    describe('customer users', () => {
      test('by logins: key order, null for missing, ignoring case, customer ids primary first', async () => {
        const found = await source.customerUsersByLogins(['JDOE', 'ghost', 'zoe.mueller']);
        expect(found.map((u) => u?.login ?? null)).toEqual(['jdoe', null, 'zoe.mueller']);
        expect(found[0]).toMatchObject({ sourceId: source.id, firstName: 'John', lastName: 'Doe', title: 'Dr.', customerId: 'ACME', email: 'jdoe@example.com', phone: '+49 30 1234', mobile: null });
        expect(found[0]!.customerIds[0]).toBe('ACME');
        expect([...found[0]!.customerIds].map((c) => c.toLowerCase()).sort()).toEqual(['acme', 'globex', 'mueller']);
        expect(found[2]).toMatchObject({ firstName: 'Zoë', lastName: 'Müller', city: 'Düsseldorf' });
      });

      test('list: VALID by default, by last name, first name, login', async () => {
        const page = await source.listCustomerUsers({ search: null, valid: [Validity.VALID], customerId: null, size: 50, after: null , before: null, backward: false});
        const expected = sorted(FIXTURE_CUSTOMER_USERS.filter((u) => u.valid === Validity.VALID), customerUserSortKey).map((u) => u.login);
        expect(page.nodes.map((u) => u.login)).toEqual(expected);
        expect(page.totalCount).toBe(expected.length);
      });

      test.each([
        ['smith', ['asmith', 'bsmith']],
        ['ALICE.SMITH@', ['asmith']],
        ['müller', ['zoe.mueller']],
        ['muller', ['zoe.mueller']],
        ['zoe', ['zoe.mueller']],
        ['*', []],
        ['%', []],
      ])('list: search %p matches login, email, first or last name literally, ignoring case and accents', async (search, logins) => {
        const page = await source.listCustomerUsers({ search, valid: ALL, customerId: null, size: 50, after: null , before: null, backward: false});
        expect(page.nodes.map((u) => u.login).sort()).toEqual([...logins].sort());
      });

      test('list: customerId keeps users of that customer, by any of their ids', async () => {
        const page = await source.listCustomerUsers({ search: null, valid: [Validity.VALID], customerId: 'GLOBEX', size: 50, after: null , before: null, backward: false});
        expect(page.nodes.map((u) => u.login)).toEqual(['jdoe', 'hsimpson']);
      });

      test('list: a walk of pages of 3 equals the full list', async () => {
        const full = await source.listCustomerUsers({ search: null, valid: ALL, customerId: null, size: 50, after: null , before: null, backward: false});
        const { nodes } = await walk((after) => source.listCustomerUsers({ search: null, valid: ALL, customerId: null, size: 3, after, before: null, backward: false }));
        expect(nodes.map((u) => u.login)).toEqual(full.nodes.map((u) => u.login));
        expect(full.totalCount).toBe(FIXTURE_CUSTOMER_USERS.length);
      });

      test('users of many customers in one call: query order, pages and totals', async () => {
        const pages = await source.customerUsersOfCustomers([
          { customerId: 'acme', valid: [Validity.VALID], size: 2, after: null , before: null, backward: false},
          { customerId: 'nobody', valid: [Validity.VALID], size: 2, after: null , before: null, backward: false},
          { customerId: 'GLOBEX', valid: [Validity.VALID], size: 10, after: null, before: null, backward: false },
          { customerId: 'ACME', valid: ALL, size: 10, after: null, before: null, backward: false },
        ]);
        expect(pages.map((p) => p.nodes.map((u) => u.login))).toEqual([
          ['jdoe', 'asmith'],
          [],
          ['jdoe', 'hsimpson'],
          ['jdoe', 'asmith', 'bsmith', 'old.timer'],
        ]);
        expect(pages.map((p) => p.totalCount)).toEqual([3, 0, 2, 4]);
        expect(pages.map((p) => p.hasNextPage)).toEqual([true, false, false, false]);
        const next = await source.customerUsersOfCustomers([{ customerId: 'acme', valid: [Validity.VALID], size: 2, after: pages[0]!.endKey , before: null, backward: false}]);
        expect(next[0]!.nodes.map((u) => u.login)).toEqual(['bsmith']);
      });
    });

    definePagingTests(() => source);

    // Each write test gets its own subject: no test depends on what another one wrote.
    let own: SuiteSubject;
    let fresh: DataSource;
    const ownSubject = () => {
      beforeEach(async () => {
        own = await createSubject();
        fresh = own.source;
      });
      afterEach(async () => own?.dispose());
    };

    if (capabilities.writableCustomers) {
      describe('customer writes', () => {
        ownSubject();
        test('create, then conflicts on id (any case) and name (within the source)', async () => {
          const created = await fresh.createCustomer({ customerId: 'NEW-1', name: 'New One', valid: Validity.VALID, street: null, zip: null, city: null, countryCode: 'NL', url: null, comment: null });
          expect(created).toMatchObject({ customerId: 'NEW-1', name: 'New One', countryCode: 'NL', sourceId: fresh.id });
          expect(created.createdAt).toBeInstanceOf(Date);
          await expect(fresh.createCustomer({ ...created, customerId: 'new-1', name: 'Other' } as never)).rejects.toBeInstanceOf(ConflictError);
          await expect(fresh.createCustomer({ ...created, customerId: 'NEW-2', name: 'NEW ONE' } as never)).rejects.toMatchObject({ field: 'name' });
        });

        test('update changes only given fields; null clears', async () => {
          const updated = await fresh.updateCustomer('acme', { city: 'Hamburg', comment: null });
          expect(updated).toMatchObject({ customerId: 'ACME', city: 'Hamburg', comment: null, street: 'Main Street 1' });
          await expect(fresh.updateCustomer('nope', { city: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        });

        test('renaming the id moves its customer users', async () => {
          await fresh.updateCustomer('globex', { customerId: 'GLOBEX-INTL' });
          const [homer, john] = await fresh.customerUsersByLogins(['hsimpson', 'jdoe']);
          expect(homer!.customerId).toBe('GLOBEX-INTL');
          expect(john!.customerIds).toContain('GLOBEX-INTL');
          expect(await fresh.customersByIds(['globex'])).toEqual([null]);
        });
      });
    } else {
      test('refuses every customer write with READ_ONLY_DATA_SOURCE and contacts nothing', async () => {
        const before = await subject.operations();
        await expect(source.createCustomer(FIXTURE_CUSTOMERS[0]!)).rejects.toBeInstanceOf(ReadOnlyDataSourceError);
        await expect(source.updateCustomer('ACME', { city: 'x' })).rejects.toBeInstanceOf(ReadOnlyDataSourceError);
        expect(await subject.operations()).toBe(before);
      });
    }

    if (capabilities.writableCustomerUsers) {
      describe('customer user writes', () => {
        ownSubject();
        test('create with several customer ids, conflict on login in any case', async () => {
          const created = await fresh.createCustomerUser({ ...FIXTURE_CUSTOMER_USERS[1]!, login: 'new.user', additionalCustomerIds: ['INITECH'] });
          expect(created.customerIds).toEqual(['ACME', 'INITECH']);
          await expect(fresh.createCustomerUser({ ...FIXTURE_CUSTOMER_USERS[1]!, login: 'NEW.USER' })).rejects.toBeInstanceOf(ConflictError);
        });

        test('update moves the user between customers and keeps lists in order', async () => {
          const updated = await fresh.updateCustomerUser('bsmith', { lastName: 'Aaron', customerId: 'INITECH', additionalCustomerIds: [] });
          expect(updated).toMatchObject({ lastName: 'Aaron', customerId: 'INITECH', customerIds: ['INITECH'] });
          const [initech] = await fresh.customerUsersOfCustomers([{ customerId: 'INITECH', valid: [Validity.VALID], size: 10, after: null, before: null, backward: false }]);
          // Aaron now sorts before Gibbons.
          expect(initech!.nodes.map((u) => u.login)).toEqual(['bsmith', 'pgibbons']);
          const [acme] = await fresh.customerUsersOfCustomers([{ customerId: 'ACME', valid: [Validity.VALID], size: 10, after: null, before: null, backward: false }]);
          expect(acme!.nodes.map((u) => u.login)).not.toContain('bsmith');
          await expect(fresh.updateCustomerUser('ghost', { city: 'x' })).rejects.toBeInstanceOf(NotFoundError);
        });
      });
    } else {
      test('refuses every customer user write with READ_ONLY_DATA_SOURCE and contacts nothing', async () => {
        const before = await subject.operations();
        await expect(source.createCustomerUser(FIXTURE_CUSTOMER_USERS[0]!)).rejects.toBeInstanceOf(ReadOnlyDataSourceError);
        await expect(source.updateCustomerUser('jdoe', { city: 'x' })).rejects.toBeInstanceOf(ReadOnlyDataSourceError);
        expect(await subject.operations()).toBe(before);
      });
    }
  });
}

export type { CustomerRecord, CustomerUserRecord };
