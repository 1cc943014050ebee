import { defineDataSourceSuite } from '../conformance/data-source-suite';
import { openFixtureStore, stopServers, znunyFixture } from './znuny-helpers';

// The shared conformance suite on a Znuny database: read-only on MariaDB and PostgreSQL (the
// fixture dataset written into Znuny's tables), writable on both (the suite's writes go to Znuny's tables).
afterAll(() => stopServers(), 60_000);

for (const engine of ['mariadb', 'postgres'] as const) {
  for (const readOnly of [true, false]) {
    defineDataSourceSuite(
      `znuny on ${engine} (${readOnly ? 'read-only' : 'writable'})`,
      async () => {
        const fixture = await znunyFixture(engine, { only: 'conformance' });
        const { store, statements } = await openFixtureStore(fixture, { readOnly, uniqueEmail: false });
        return { source: store.source, operations: statements, dispose: async () => (await store.close(), await fixture.dispose()) };
      },
      { customers: true, customerUsers: true, writableCustomers: !readOnly, writableCustomerUsers: !readOnly, movesTicketsOnRename: true, dynamicFields: true, countsWithPages: false },
    );
  }
}
