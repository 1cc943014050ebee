/**
 * The benchmark's LDAP screen (`detailLdap`): the customer detail view of a customer that lives in
 * a directory, whose customer users come from the directory too, while its tickets live in the
 * helpdesk database. The bench starts its own slapd (test/ldap/slapd.ts) from the fixture root
 * (fixtures/ldap/base.ldif) plus a generated OpenLDAP-layout file: one organization with
 * {@link LDAP_USERS} people, and a helpdesk database holding that customer's tickets, each with one
 * of those people as its customer user.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store';
import { TicketStateType } from '../src/domain/tickets';
import { READER_DN, READER_PASSWORD, startSlapd, SUFFIX, type Slapd } from '../test/ldap/slapd';

/** The directory customer of the screen. */
export const LDAP_CUSTOMER = 'DIRCO';
/** People of that customer in the directory. */
export const LDAP_USERS = 40;
const TICKETS = 400;

/** What the LDAP screen needs: the running directory, the helpdesk file and the source configuration. */
export interface LdapScreen {
  readonly slapd: Slapd;
  readonly database: string;
  readonly source: Record<string, unknown>;
  dispose(): Promise<void>;
}

const STATES: readonly [string, TicketStateType][] = [
  ['new', TicketStateType.NEW],
  ['open', TicketStateType.OPEN],
  ['pending reminder', TicketStateType.PENDING_REMINDER],
  ['closed successful', TicketStateType.CLOSED],
  ['closed successful', TicketStateType.CLOSED],
];

/** Starts slapd with the screen's directory and writes the helpdesk database of its tickets. */
export async function startLdapScreen(root: string): Promise<LdapScreen> {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-ldap-'));
  const people: string[] = [];
  const lines = [
    `dn: ou=customers,${SUFFIX}`, 'objectClass: organizationalUnit', 'ou: customers', '',
    `dn: ou=people,${SUFFIX}`, 'objectClass: organizationalUnit', 'ou: people', '',
    `dn: o=${LDAP_CUSTOMER},ou=customers,${SUFFIX}`, 'objectClass: organization', 'objectClass: extensibleObject', `o: ${LDAP_CUSTOMER}`,
    'description: Directory Company', 'street: Hauptstrasse 1', 'postalCode: 10115', 'l: Berlin', 'c: DE', '',
  ];
  for (let i = 0; i < LDAP_USERS; i++) {
    const uid = `dir.user${String(i).padStart(2, '0')}`;
    people.push(uid);
    lines.push(
      `dn: uid=${uid},ou=people,${SUFFIX}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: Person ${i}`, `givenName: Person`,
      `sn: Number${String(i).padStart(2, '0')}`, `mail: ${uid}@dirco.example`, `telephoneNumber: +49 30 ${1000 + i}`, `o: ${LDAP_CUSTOMER}`, '',
    );
  }
  const ldif = join(dir, 'bench-layout.ldif');
  writeFileSync(ldif, lines.join('\n'));
  const slapd = await startSlapd({ ldif: [join(root, 'fixtures/ldap/base.ldif'), ldif], indexes: ['uid eq', 'o eq', 'ou eq'] });

  const database = join(dir, 'helpdesk.db');
  const store = openSqliteStore({ path: database, label: 'bench-ldap', maxPageSize: 100 });
  const now = Date.now();
  for (let i = 0; i < TICKETS; i++) {
    const [state, stateType] = STATES[i % STATES.length]!;
    const open = stateType !== TicketStateType.CLOSED;
    await store.tickets.create(
      {
        title: `Directory ticket ${i}`,
        state,
        stateType,
        priority: '3 normal',
        queue: 'Raw',
        customerId: LDAP_CUSTOMER,
        customerUserLogin: people[(i * 7) % people.length]!,
        escalationAt: open && i % 3 === 0 ? new Date(now - (i + 1) * 60_000) : null,
        pendingUntil: stateType === TicketStateType.PENDING_REMINDER ? new Date(now + (i - TICKETS / 2) * 60_000) : null,
      },
      new Date(now - (TICKETS - i) * 3_600_000),
    );
  }
  await store.close();
  return {
    slapd,
    database,
    source: {
      id: 'directory',
      name: 'Corporate directory',
      kind: 'ldap',
      url: slapd.url,
      bindDN: READER_DN,
      bindPassword: READER_PASSWORD,
      timeoutMs: 5000,
      preset: 'openldap',
      customers: { baseDN: `ou=customers,${SUFFIX}`, filter: '(objectClass=organization)' },
      customerUsers: { baseDN: `ou=people,${SUFFIX}`, filter: '(objectClass=inetOrgPerson)' },
    },
    async dispose() {
      await slapd.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
