import { SqliteStore } from '../../adapters/sqlite/sqlite-store';
import type { SqliteConnection } from '../../adapters/sqlite/sqlite-connection';
import type { App } from '../../src/composition/app';

/**
 * The service's own connection to its SQLite helpdesk database, for the tests of SQLite's own
 * faults (a read-only or closed handle under the running service). Those tests are about one
 * engine by design (test/postgres/ has PostgreSQL's); any other test reaches the database
 * through `helpdeskSql`.
 */
export function sqliteHandle(app: App): SqliteConnection['handle'] {
  if (!(app.store instanceof SqliteStore)) throw new Error('this test is about the SQLite helpdesk store');
  return app.store.db.handle;
}
