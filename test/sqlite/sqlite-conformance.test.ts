import { SqliteDataSource } from '../../adapters/sqlite/sqlite-data-source';
import { SqliteConnection } from '../../adapters/sqlite/sqlite-connection';
import { defineDataSourceSuite } from '../conformance/data-source-suite';
import { FIXTURE_CUSTOMERS, FIXTURE_CUSTOMER_USERS } from '../conformance/fixture-data';

defineDataSourceSuite(
  'sqlite',
  async () => {
    let statements = 0;
    const db = SqliteConnection.open({ path: ':memory:', label: 'local', onStatement: () => statements++ });
    const source = new SqliteDataSource({ config: { id: 'local', name: 'Helpdesk database', kind: 'sqlite' }, db, holdsTickets: true, maxPageSize: 100 });
    for (const c of FIXTURE_CUSTOMERS) await source.createCustomer(c);
    for (const u of FIXTURE_CUSTOMER_USERS) await source.createCustomerUser(u);
    return { source, operations: () => statements, dispose: async () => db.close() };
  },
  { customers: true, customerUsers: true, writableCustomers: true, writableCustomerUsers: true, movesTicketsOnRename: true, dynamicFields: false, countsWithPages: true },
);
