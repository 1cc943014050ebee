import { ldapSourceConfigSchema } from '../../adapters/ldap/ldap-config';
import { LdapDataSource } from '../../adapters/ldap/ldap-data-source';
import { ConfigError, loadConfig, sha256Hex } from '../../src/config/config';
import { createLogger } from '../../src/log/logger';
import { openldapSourceConfig } from './ldap-fixture';

const load = (source: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  loadConfig({
    env,
    cwd: '/tmp',
    raw: {
      database: ':memory:',
      auth: { tokens: [{ name: 'a', role: 'agent', sha256: sha256Hex('x'.repeat(32)) }] },
      dataSources: [{ id: 'local', name: 'Local', kind: 'sqlite' }, source],
    },
  });

describe('ldap source configuration', () => {
  test('the contract README example is accepted, the password taken from ${LDAP_PASSWORD}', () => {
    const config = load(
      {
        ...openldapSourceConfig('ldap://127.0.0.1:3389'),
        bindPassword: '${LDAP_PASSWORD}',
        customers: {
          baseDN: 'ou=customers,dc=example,dc=com',
          filter: '(objectClass=organization)',
          map: { customerId: 'o', name: 'description', street: 'street', zip: 'postalCode', city: 'l', country: 'c', url: 'labeledURI', comment: 'info' },
        },
      },
      { LDAP_PASSWORD: 'from-env' },
    );
    const ldap = config.dataSources[1]!;
    expect(ldap).toMatchObject({ kind: 'ldap', bindPassword: 'from-env', timeoutMs: 2000, preset: 'openldap', tls: { startTLS: false, rejectUnauthorized: true } });
  });

  test.each([['cn=reader,dc=example,dc=com'], ['svc-helpdesk@corp.example'], ['CORP\\svc-helpdesk']])('bindDN %p (DN, UPN, DOMAIN\\user) is accepted', (bindDN) => {
    expect(load({ ...openldapSourceConfig('ldap://h:1'), bindDN }).dataSources[1]).toMatchObject({ bindDN });
  });

  test('a missing password variable names it', () => {
    expect(() => load({ ...openldapSourceConfig('ldap://h:1'), bindPassword: '${LDAP_PASSWORD}' })).toThrow(/LDAP_PASSWORD/);
  });

  test.each([
    [{ url: 'http://example.com' }, 'dataSources.1.url'],
    [{ customers: { baseDN: 'ou=c,dc=x', filter: '(objectClass=organization' } }, 'dataSources.1.customers.filter: not a valid LDAP filter'],
    [{ customerUsers: { baseDN: 'ou=p,dc=x', validFilter: '(cn:dn:=x)' } }, 'dataSources.1.customerUsers.validFilter'],
    [{ customers: { baseDN: 'ou=c,dc=x', map: { customerId: 'o)(x' } } }, 'dataSources.1.customers.map.customerId'],
    [{ customers: { baseDN: 'ou=c,dc=x', map: { colour: 'x' } } }, 'dataSources.1.customers.map'],
    [{ preset: 'novell' }, 'dataSources.1.preset'],
    [{ timeoutMs: 0 }, 'dataSources.1.timeoutMs'],
    [{ url: 'ldaps://h:636', tls: { startTLS: true } }, 'dataSources.1.tls.startTLS'],
    [{ customers: undefined, customerUsers: undefined }, 'dataSources.1.customers: configure customers, customerUsers or both'],
    [{ bindDN: 'svc helpdesk' }, 'dataSources.1.bindDN'],
    [{ customers: { baseDN: 'ou=c,dc=x', customerIdFromOU: true } }, 'dataSources.1.customers.customerIdFromOU'],
    [{ index: { maxStalenessSeconds: 61 } }, 'dataSources.1.index.maxStalenessSeconds'],
    [{ index: { sweepSeconds: 0 } }, 'dataSources.1.index.sweepSeconds'],
  ])('%j is refused naming the key', (change, message) => {
    const source = { ...openldapSourceConfig('ldap://127.0.0.1:3389'), ...change };
    expect(() => load(source)).toThrow(ConfigError);
    expect(() => load(source)).toThrow(`configuration: ${message}`);
  });

  test('presets give defaults a map overrides; null drops a field', () => {
    const config = ldapSourceConfigSchema.parse({
      id: 'ad',
      name: 'AD',
      kind: 'ldap',
      url: 'ldaps://dc1.example.com',
      bindDN: 'cn=svc,dc=example,dc=com',
      bindPassword: 'x',
      preset: 'active-directory',
      customerUsers: { baseDN: 'ou=Users,dc=example,dc=com', map: { customerId: 'department', title: null } },
    });
    const source = new LdapDataSource({ config, logger: createLogger('silent'), onSearchPage: () => undefined });
    expect(source.capabilities).toEqual({ customers: false, customerUsers: true, writableCustomers: false, writableCustomerUsers: false, movesTicketsOnRename: false, dynamicFields: false, countsWithPages: false });
    const users = (source as unknown as { users: { mapping: { map: Record<string, string> }; attributes: string[]; scope: string } }).users;
    expect(users.mapping.map).toMatchObject({ login: 'sAMAccountName', customerId: 'department', email: 'mail' });
    expect(users.mapping.map.title).toBeUndefined();
    // The validity filter's attribute is fetched, so validity is judged on every entry.
    expect(users.attributes.map((a) => a.toLowerCase())).toContain('useraccountcontrol');
  });

  test('the index defaults: changes and deletions at most a minute old, a full read every hour (README, docs/integrators.md)', () => {
    expect(ldapSourceConfigSchema.parse(openldapSourceConfig('ldap://127.0.0.1:3389')).index).toEqual({
      maxStalenessSeconds: 60,
      sweepSeconds: 60,
      fullRefreshMinutes: 60,
      readTimeoutMs: 60_000,
    });
    // The sweep asks for the stable id and the key only.
    const config = ldapSourceConfigSchema.parse(openldapSourceConfig('ldap://127.0.0.1:3389'));
    const source = new LdapDataSource({ config, logger: createLogger('silent'), onSearchPage: () => undefined });
    const users = (source as unknown as { users: { sweepAttributes: string[] } }).users;
    expect(users.sweepAttributes).toEqual(['uid', 'entryUUID']);
  });
});
