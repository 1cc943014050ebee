import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../adapters/sqlite/sqlite-migrations';
import { compareKeys, firstPage } from '../../src/domain/page';
import { collationKey, customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';
import { mergePages } from '../../src/registry/data-source-registry';
import { startTestApp } from '../helpers/test-app';

describe('one collation for every list', () => {
  test('case- and accent-insensitive keys: Ç with the c, ß as ss, ligatures and stroked letters as their base letters', () => {
    expect(collationKey('Zoë Çelik')).toBe('zoe celik');
    expect(collationKey('Straße')).toBe('strasse');
    expect(collationKey('ÆSIR Øre Łódź İstanbul')).toBe('aesir ore lodz istanbul');
    expect(collationKey('ＡＢＣ')).toBe('abc');
    const names = ['Zimmermann', 'Çelik', 'Cable', 'Dora', 'Ölmez', 'Oberhuber', 'ßtraße', 'Ostrowski', 'Émile', 'Eder'];
    const ordered = [...names].sort((a, b) => compareKeys([collationKey(a)], [collationKey(b)]));
    expect(ordered).toEqual(['Cable', 'Çelik', 'Dora', 'Eder', 'Émile', 'Oberhuber', 'Ölmez', 'Ostrowski', 'ßtraße', 'Zimmermann']);
  });

  test('plain ASCII (the fast path) gets the key the Unicode folding gives', () => {
    const folded = (v: string) => v.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().toLowerCase();
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    for (const v of [ascii, 'McDonald O\'Brien', 'ABC-123_xyz', '']) expect(collationKey(v)).toBe(folded(v));
  });

  test('sort keys end with the unique id, so equal names keep one order', () => {
    expect(customerSortKey({ name: 'Müller', customerId: 'M2' })).toEqual(['muller', 'm2']);
    expect(customerUserSortKey({ lastName: 'Çelik', firstName: 'Zoë', login: 'ZC' })).toEqual(['celik', 'zoe', 'zc']);
  });

  test('SQLite lists and search use it', async () => {
    const t = await startTestApp({ http: false });
    try {
      for (const [customerId, name] of [['Z1', 'Zimmermann AG'], ['C1', 'Çelik Holding'], ['C2', 'Cable Co'], ['D1', 'Dora GmbH'], ['S1', 'Straßenbau'], ['S2', 'Strasser']]) {
        const r = await t.exec(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customerId } }`, { i: { dataSource: 'local', customerId, name, country: 'DE' } });
        expect(r.errors).toBeUndefined();
      }
      const names = async () => (await t.exec('{ customers(first: 50) { nodes { name } } }')).data.customers.nodes.map((n: { name: string }) => n.name);
      expect(await names()).toEqual(['Cable Co', 'Çelik Holding', 'Dora GmbH', 'Straßenbau', 'Strasser', 'Zimmermann AG']);
      const search = await t.exec('{ customers(search: "celik") { nodes { customerId } } }');
      expect(search.data.customers.nodes).toEqual([{ customerId: 'C1' }]);
    } finally {
      await t.close();
    }
  });

  test('an existing SQLite database (before migration 6, lower-cased keys) is migrated to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collation-'));
    const file = join(dir, 'old.db');
    const old = new Database(file);
    MIGRATIONS.slice(0, 5).forEach((sql) => old.exec(sql));
    old.pragma('user_version = 5');
    const insert = old.prepare(`INSERT INTO customer (customer_id, customer_key, name, name_key, valid, created_at, changed_at) VALUES (?, ?, ?, ?, 'VALID', 0, 0)`);
    for (const [id, name] of [['Z1', 'Zimmermann AG'], ['C1', 'Çelik Holding'], ['D1', 'Dora GmbH']]) insert.run(id, id.toLowerCase(), name, name.toLowerCase());
    old.prepare(`INSERT INTO customer_user (login, login_key, email, first_name, last_name, first_key, last_key, valid, customer_id, customer_key, created_at, changed_at)
      VALUES ('zc', 'zc', 'zc@example.com', 'Zoë', 'Çelik', 'zoë', 'çelik', 'VALID', 'C1', 'c1', 0, 0), ('ad', 'ad', 'ad@example.com', 'Ann', 'Dora', 'ann', 'dora', 'VALID', 'C1', 'c1', 0, 0)`).run();
    old.exec(`INSERT INTO customer_user_customer (user_id, customer_key, customer_id, position, last_key, first_key, login_key, valid)
      SELECT id, 'c1', 'C1', 0, last_key, first_key, login_key, 'VALID' FROM customer_user`);
    old.close();
    const t = await startTestApp({ http: false, database: file });
    try {
      const r = await t.exec('{ customers { nodes { customerId } } customer(customerId: "C1") { customerUsers { nodes { login } } } customerUsers { nodes { login } } }');
      expect(r.errors).toBeUndefined();
      expect(r.data.customers.nodes.map((n: { customerId: string }) => n.customerId)).toEqual(['C1', 'D1', 'Z1']);
      expect(r.data.customer.customerUsers.nodes.map((n: { login: string }) => n.login)).toEqual(['zc', 'ad']);
      expect(r.data.customerUsers.nodes.map((n: { login: string }) => n.login)).toEqual(['zc', 'ad']);
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('merged pages of several sources: forward and backward windows over their union', () => {
    const key = (n: string) => [collationKey(n), n.toLowerCase()] as const;
    const page = (names: string[], more = false) => ({
      nodes: names,
      hasNextPage: more,
      hasPreviousPage: more,
      startKey: names.length ? key(names[0]!) : null,
      endKey: names.length ? key(names[names.length - 1]!) : null,
      totalCount: names.length + (more ? 10 : 0),
    });
    const none = { unavailableSources: [], failures: [] };
    const fwd = mergePages([page(['Alpha', 'Çelik', 'Zulu']), page(['Cable', 'Dora'])], none, firstPage(3), key, (n) => n);
    expect(fwd.nodes).toEqual(['Alpha', 'Cable', 'Çelik']);
    expect(fwd.hasNextPage).toBe(true);
    const back = mergePages([page(['Alpha', 'Çelik', 'Zulu']), page(['Cable', 'Dora'])], none, { size: 3, after: null, before: null, backward: true }, key, (n) => n);
    expect(back.nodes).toEqual(['Çelik', 'Dora', 'Zulu']);
    expect(back.hasPreviousPage).toBe(true);
    expect(back.hasNextPage).toBe(false);
    expect(back.startKey).toEqual(key('Çelik'));
  });
});
