import { openZnunyStore } from '../../adapters/znuny/znuny-store';
import { ConflictError, DataSourceUnavailableError, ValidationError } from '../../src/domain/errors';
import { firstPage } from '../../src/domain/page';
import { Validity } from '../../src/domain/records';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';
import type { ZnunyFixture } from './znuny-fixture';
import { openFixtureStore, stopServers, ZNUNY_ENGINES, znunyConfig, znunyFixture } from './znuny-helpers';

afterAll(() => stopServers(), 60_000);

const quiet = { warn: () => undefined, info: () => undefined };

describe.each(ZNUNY_ENGINES)('writes to and the schema check of a Znuny database on %s', (engine) => {
  let fixture: ZnunyFixture;
  beforeAll(async () => {
    fixture = await znunyFixture(engine);
  }, 120_000);
  afterAll(() => fixture?.dispose());

  test('a writable source writes what Znuny would: create_by / change_by, times in Znuny\'s time zone, valid_id, the country by name', async () => {
    const { store } = await openFixtureStore(fixture, { readOnly: false, agentId: 2, timeZone: 'Europe/Berlin' });
    try {
      const before = Date.now();
      const created = await store.source.createCustomer({
        customerId: 'NEWCO', name: 'New Co', valid: Validity.INVALID_TEMPORARILY, street: null, zip: '10115', city: 'Berlin', countryCode: 'AT', url: null, comment: 'Fresh',
      });
      const [row] = await fixture.sql<Record<string, unknown>>(`SELECT * FROM customer_company WHERE customer_id = 'NEWCO'`);
      expect(row).toMatchObject({ name: 'New Co', valid_id: 3, country: 'Austria', zip: '10115', comments: 'Fresh', create_by: 2, change_by: 2 });
      // Berlin's wall clock, one or two hours ahead of UTC.
      const written = Date.parse(String(row!.create_time).replace(' ', 'T') + 'Z');
      expect([3_600_000, 7_200_000]).toContain(Math.round((written - before) / 3_600_000) * 3_600_000);
      expect(Math.abs(created.createdAt!.getTime() - before)).toBeLessThan(5000);
      const user = await store.source.createCustomerUser({
        login: 'new.user', email: 'new.user@newco.example', firstName: 'Nia', lastName: 'New', title: null, phone: null, mobile: null, street: null,
        zip: null, city: null, countryCode: 'DE', comment: null, valid: Validity.VALID, customerId: 'NEWCO', additionalCustomerIds: ['ACME'],
      });
      expect(user.customerIds).toEqual(['NEWCO', 'ACME']);
      expect(await fixture.sql(`SELECT user_id, customer_id, create_by FROM customer_user_customer WHERE user_id = 'new.user'`)).toEqual([{ user_id: 'new.user', customer_id: 'ACME', create_by: 2 }]);
      // Znuny keeps e-mail addresses unique by default; a value wider than Znuny's column is refused, and nothing is written.
      await expect(store.source.createCustomerUser({ ...user, login: 'other', additionalCustomerIds: [] })).rejects.toBeInstanceOf(ConflictError);
      await expect(store.source.updateCustomerUser('new.user', { title: 'T'.repeat(51) })).rejects.toMatchObject({ field: 'title' });
      await expect(store.source.updateCustomerUser('new.user', { title: 'T'.repeat(51) })).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await store.close();
    }
  });

  test('renaming a CustomerID moves its customer users (primary and further ids), its tickets (archived too) and its dynamic field values in one transaction', async () => {
    const { store } = await openFixtureStore(fixture, { readOnly: false });
    try {
      const count = async (sql: string, id: string) => Number((await fixture.sql<{ n: number }>(sql, [id]))[0]!.n);
      const exact = fixture.dialect === 'mysql' ? 'BINARY ' : '';
      const tickets = (id: string) => count(`SELECT COUNT(*) AS n FROM ticket WHERE ${exact}customer_id = ?`, id);
      const users = (id: string) => count(`SELECT COUNT(*) AS n FROM customer_user WHERE customer_id = ?`, id);
      const further = (id: string) => count(`SELECT COUNT(*) AS n FROM customer_user_customer WHERE customer_id = ?`, id);
      const fields = (id: string) => count(`SELECT COUNT(*) AS n FROM dynamic_field_obj_id_name WHERE object_name = ? AND object_type = 'CustomerCompany'`, id);
      const before = { tickets: await tickets('MUELLER'), users: await users('MUELLER'), further: await further('MUELLER'), fields: await fields('MUELLER') };
      expect(before.tickets).toBeGreaterThan(0);
      await store.source.updateCustomer('mueller', { customerId: 'MUELLER-SOEHNE' });
      expect({ tickets: await tickets('MUELLER-SOEHNE'), users: await users('MUELLER-SOEHNE'), further: await further('MUELLER-SOEHNE'), fields: await fields('MUELLER-SOEHNE') }).toEqual(before);
      expect([await tickets('MUELLER'), await users('MUELLER'), await further('MUELLER'), await fields('MUELLER')]).toEqual([0, 0, 0, 0]);
      const [counts] = await store.tickets.counts('customer', ['MUELLER-SOEHNE'], new Date(), {}, ALL_TICKETS);
      expect(counts!.total).toBeGreaterThan(0);
      const [values] = await store.source.dynamicFieldsOf!('customer', ['MUELLER-SOEHNE']);
      expect(values!.map((f) => f.name)).toEqual(['ContractLevel', 'AccountManager']);
    } finally {
      await store.close();
    }
  });

  test('a customer and a customer user deleted in Znuny leave lists and totals within a minute (the sweep)', async () => {
    const f = await znunyFixture(engine, { only: 'conformance' });
    let clock = Date.now();
    const { store, statements } = await openFixtureStore(f, {}, true, () => new Date(clock));
    try {
      // Pages of one record, which are not the deleted ones: only the sweep can tell the totals.
      const list = (size = 1) => store.source.listCustomers({ ...firstPage(size), search: null, valid: [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY] });
      const users = () => store.source.listCustomerUsers({ ...firstPage(1), search: null, valid: [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY], customerId: null });
      const before = { customers: (await list()).totalCount, users: (await users()).totalCount };
      await f.sql(`DELETE FROM customer_company WHERE customer_id = 'INITECH'`);
      await f.sql(`DELETE FROM customer_user WHERE login = 'hsimpson'`);
      clock += 61_000;
      const n = statements();
      const after = { customers: (await list()).totalCount, users: (await users()).totalCount };
      expect(after).toEqual({ customers: before.customers - 1, users: before.users - 1 });
      expect(statements()).toBeGreaterThan(n);
      expect((await list(100)).nodes.map((c) => c.customerId)).not.toContain('INITECH');
    } finally {
      await store.close();
      await f.dispose();
    }
  });

  test('the schema check finds the groups table and names a missing table or column', async () => {
    const f = await znunyFixture(engine, { only: 'conformance', groupsTable: 'groups' });
    try {
      const { store } = await openFixtureStore(f);
      const [root] = [await store.tickets.agentScope('root@localhost')];
      expect(root).toEqual(ALL_TICKETS);
      await store.close();
      await f.sql(`ALTER TABLE customer_user DROP COLUMN mobile`);
      await expect(openFixtureStore(f)).rejects.toThrow(/table customer_user has no column mobile/);
      await f.sql(`ALTER TABLE customer_user ADD COLUMN mobile VARCHAR(150)`);
      await f.sql(`DROP TABLE customer_user_customer`);
      await expect(openFixtureStore(f)).rejects.toThrow(/no table customer_user_customer/);
    } finally {
      await f.dispose();
    }
  });

  test('an unreachable database does not stop the start; its errors name no host or password', async () => {
    const url = fixture.url.replace(/:(\d+)\//, ':1/');
    const store = await openZnunyStore({ config: znunyConfig(fixture, { url, pool: { size: 2, statementTimeoutMs: 1000, connectTimeoutMs: 500 } }), holdsTickets: true, maxPageSize: 100, logger: quiet });
    try {
      const error = await store.source.ping().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataSourceUnavailableError);
      const password = decodeURIComponent(new URL(fixture.url).password);
      expect(JSON.stringify({ message: (error as Error).message, cause: String((error as { cause?: unknown }).cause) })).not.toContain(password);
    } finally {
      await store.close();
    }
  });
});
