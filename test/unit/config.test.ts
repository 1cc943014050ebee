import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, sha256Hex } from '../../src/config/config';

const tmp = () => mkdtempSync(join(tmpdir(), 'helpdesk-config-'));
const token = { name: 'frontend', role: 'reader', sha256: sha256Hex('x') };
const minimal = { auth: { tokens: [token] }, dataSources: [{ id: 'local', name: 'Local', kind: 'sqlite' }] };

describe('configuration', () => {
  test('embedded default: SQLite with the demo seed, a generated dev token stored with mode 0600', () => {
    const cwd = tmp();
    const config = loadConfig({ env: {}, cwd });
    expect(config.embeddedDefault).toBe(true);
    expect(config.seed).toBe('demo');
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(config.database).toBe(join(cwd, 'data/helpdesk.db'));
    const file = join(cwd, 'data/dev-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(config.devToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(config.auth.tokens).toEqual([{ name: 'development', role: 'agent', sha256: sha256Hex(config.devToken!) }]);
    // The same token on the next start; a different one in another folder (never built in).
    expect(loadConfig({ env: {}, cwd }).devToken).toBe(config.devToken);
    expect(loadConfig({ env: {}, cwd: tmp() }).devToken).not.toBe(config.devToken);
  });

  test('reads HELPDESK_CONFIG, then PORT, HOST and DATABASE override it', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'c.json'), JSON.stringify({ ...minimal, listen: { host: '0.0.0.0', port: 1 }, database: 'x.db' }));
    const config = loadConfig({ env: { HELPDESK_CONFIG: 'c.json', PORT: '4321', HOST: '::1', DATABASE: 'other.db' }, cwd });
    expect(config.listen).toEqual({ host: '::1', port: 4321 });
    expect(config.database).toBe(join(cwd, 'other.db'));
    expect(config.embeddedDefault).toBe(false);
    expect(config.devToken).toBeNull();
    expect(config.seed).toBeNull();
  });

  test('the result is frozen, deeply', () => {
    const config = loadConfig({ env: {}, cwd: tmp(), raw: minimal });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.dataSources[0])).toBe(true);
    expect(() => ((config.auth.tokens as unknown as unknown[]).length = 0)).toThrow();
  });

  test('${NAME} is replaced from the environment; a missing variable names itself and where it is used', () => {
    const raw = { ...minimal, dataSources: [{ id: 'local', name: '${SOURCE_NAME}', kind: 'sqlite' }] };
    expect(loadConfig({ env: { SOURCE_NAME: 'From env' }, cwd: tmp(), raw }).dataSources[0]!.name).toBe('From env');
    expect(() => loadConfig({ env: {}, cwd: tmp(), raw })).toThrow(/SOURCE_NAME.*dataSources\.0\.name/);
  });

  test.each([
    [{ ...minimal, listen: { port: 'eighty' } }, /listen\.port/],
    [{ ...minimal, dataSources: [] }, /dataSources/],
    [{ ...minimal, dataSources: [{ id: 'a', name: 'A', kind: 'sqlite' }, { id: 'a', name: 'B', kind: 'sqlite' }] }, /dataSources\.1\.id: duplicate id 'a'/],
    [{ ...minimal, dataSources: [{ id: 'a', name: 'A', kind: 'postgres' }] }, /dataSources\.0/],
    [{ ...minimal, auth: { tokens: [{ ...token, sha256: 'abc' }] } }, /auth\.tokens\.0\.sha256/],
    [{ ...minimal, auth: { tokens: [{ ...token, role: 'admin' }] } }, /auth\.tokens\.0\.role/],
    [{ ...minimal, auth: { tokens: [] } }, /auth\.tokens: at least one token/],
    [{ ...minimal, surprise: true }, /surprise|Unrecognized/],
  ])('refuses a bad configuration and names the key (%#)', (raw, message) => {
    expect(() => loadConfig({ env: {}, cwd: tmp(), raw })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, cwd: tmp(), raw })).toThrow(message);
  });

  test('PORT must be a port number', () => {
    expect(() => loadConfig({ env: { PORT: 'abc' }, cwd: tmp(), raw: minimal })).toThrow(/PORT/);
  });

  test('an unreadable or invalid JSON file is a clear start-up error', () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'bad.json'), '{ nope');
    expect(() => loadConfig({ env: { HELPDESK_CONFIG: 'bad.json' }, cwd })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ env: { HELPDESK_CONFIG: 'missing.json' }, cwd })).toThrow(/cannot read HELPDESK_CONFIG/);
  });
});
