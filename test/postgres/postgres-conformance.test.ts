import { openPostgresStore, type PostgresStore } from '../../adapters/postgres/postgres-store';
import { defineDataSourceSuite } from '../conformance/data-source-suite';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';
import { startPostgres, type PostgresServer } from '../helpers/postgres';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(() => pg?.stop());

defineDataSourceSuite(
  'postgres',
  async () => {
    let statements = 0;
    const store: PostgresStore = openPostgresStore({
      url: await pg.createDatabase('conformance'),
      label: 'local',
      maxPageSize: 100,
      pool: { size: 4, statementTimeoutMs: 5000, connectTimeoutMs: 5000 },
      onStatement: () => statements++,
    });
    const source = store.dataSource({ id: 'local', name: 'Helpdesk database' });
    for (const c of FIXTURE_CUSTOMERS) await source.createCustomer(c);
    for (const u of FIXTURE_CUSTOMER_USERS) await source.createCustomerUser(u);
    return { source, operations: () => statements, dispose: () => store.close() };
  },
  { customers: true, customerUsers: true, writableCustomers: true, writableCustomerUsers: true, movesTicketsOnRename: true, dynamicFields: false, countsWithPages: true },
);
