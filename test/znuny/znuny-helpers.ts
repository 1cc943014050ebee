import { znunySourceConfigSchema, type ZnunySourceConfig } from '../../adapters/znuny/znuny-config';
import { openZnunyStore, type ZnunyStore } from '../../adapters/znuny/znuny-store';
import { startMariadb, type MariadbServer } from '../helpers/mariadb';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { createZnunyFixture, type ZnunyEngine, type ZnunyFixture, type ZnunyFixtureOptions } from './znuny-fixture';

/** The Znuny engines every Znuny test runs on. */
export const ZNUNY_ENGINES: readonly ZnunyEngine[] = ['mariadb', 'postgres'];

/** A database server of one engine for a test file, started on first use, stopped by {@link stopServers}. */
const servers = new Map<ZnunyEngine, Promise<MariadbServer | PostgresServer>>();

/** The server of an engine (one per test file). */
export function serverOf(engine: ZnunyEngine): Promise<MariadbServer | PostgresServer> {
  let server = servers.get(engine);
  if (!server) servers.set(engine, (server = engine === 'mariadb' ? startMariadb() : startPostgres()));
  return server;
}

/** Stops the servers this file started. */
export async function stopServers(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.allSettled(all.map(async (s) => (await s).stop()));
}

/** A fresh Znuny-shaped database of an engine, seeded. */
export async function znunyFixture(engine: ZnunyEngine, options: ZnunyFixtureOptions = {}): Promise<ZnunyFixture> {
  return createZnunyFixture(engine, await serverOf(engine), options);
}

/** A `znuny` source configuration over a fixture's database. */
export function znunyConfig(fixture: ZnunyFixture, extra: Partial<Record<keyof ZnunySourceConfig, unknown>> = {}): ZnunySourceConfig {
  return znunySourceConfigSchema.parse({ id: 'znuny', name: 'Znuny', kind: 'znuny', url: fixture.url, ...extra });
}

/** A Znuny store over a fixture, counting its statements. */
export async function openFixtureStore(
  fixture: ZnunyFixture,
  extra: Partial<Record<keyof ZnunySourceConfig, unknown>> = {},
  holdsTickets = true,
  now?: () => Date,
): Promise<{ store: ZnunyStore; statements: () => number }> {
  let statements = 0;
  const store = await openZnunyStore({
    now,
    config: znunyConfig(fixture, extra),
    holdsTickets,
    maxPageSize: 100,
    onStatement: () => statements++,
    logger: { warn: () => undefined, info: () => undefined },
  });
  return { store, statements: () => statements };
}
