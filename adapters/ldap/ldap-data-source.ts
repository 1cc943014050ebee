import type { Entry, Filter } from 'ldapts';
import type {
  CustomerQuery,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
} from '../../src/domain/data-source';
import { ReadOnlyDataSourceError } from '../../src/domain/errors';
import { pageOfAll, type Page } from '../../src/domain/page';
import {
  idKey,
  type CustomerPatch,
  type CustomerRecord,
  type CustomerUserPatch,
  type CustomerUserRecord,
  type NewCustomer,
  type NewCustomerUser,
} from '../../src/domain/records';
import { customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';
import type { Logger } from '../../src/log/logger';
import type { LdapSourceConfig } from './ldap-config';
import { LdapConnection } from './ldap-connection';
import { and, containsAny, equalsAny, filterAttributes, parseFilter } from './ldap-filters';
import { requestedAttributes, toCustomer, toCustomerUser, type ValidityRule } from './ldap-mapper';
import { LDAP_PRESETS, type CustomerAttributeMap, type CustomerUserAttributeMap, type ObjectPreset } from './ldap-presets';

/** Options of {@link LdapDataSource}. */
export interface LdapDataSourceOptions {
  readonly config: LdapSourceConfig;
  readonly logger: Logger;
  /** Called once per LDAP search page sent (the operations metric). */
  readonly onSearchPage: () => void;
}

/** Keys per search of a batched lookup: one OR filter of this many equality terms at most. */
export const LOOKUP_CHUNK = 500;

/** One object kind as configured: preset defaults with the configuration over them. */
interface ObjectSettings<M> {
  readonly baseDN: string;
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: Filter;
  readonly validity: ValidityRule;
  readonly map: M;
  readonly attributes: readonly string[];
}

type ObjectConfig = NonNullable<LdapSourceConfig['customers']>;

function settle<M extends object>(preset: ObjectPreset<M>, config: ObjectConfig): ObjectSettings<M> {
  const map = { ...preset.map } as Record<string, string | undefined>;
  for (const [field, attribute] of Object.entries(config.map ?? {})) {
    if (attribute === null) delete map[field];
    else if (attribute !== undefined) map[field] = attribute;
  }
  const validText = config.validFilter ?? preset.validFilter;
  const validity: ValidityRule = {
    validFilter: validText ? parseFilter(validText) : null,
    temporarilyInvalidFilter: config.temporarilyInvalidFilter ? parseFilter(config.temporarilyInvalidFilter) : null,
  };
  const extra = new Set<string>();
  if (validity.validFilter) filterAttributes(validity.validFilter, extra);
  if (validity.temporarilyInvalidFilter) filterAttributes(validity.temporarilyInvalidFilter, extra);
  return {
    baseDN: config.baseDN,
    scope: config.scope ?? preset.scope,
    filter: parseFilter(config.filter ?? preset.filter),
    validity,
    map: map as M,
    attributes: requestedAttributes(map, extra),
  };
}

function includesFolded(value: string | null, needle: string): boolean {
  return value !== null && value.toLowerCase().includes(needle);
}

/**
 * Customers and customer users read live from an LDAP directory (OpenLDAP, Active Directory).
 * Never writable. Lookups batch all keys into one search per {@link LOOKUP_CHUNK} keys; lists
 * fetch the matching entries with paged results (so a server size limit never truncates them),
 * sort them by the contract's keys in memory and page by keyset, with an honest total.
 */
export class LdapDataSource implements DataSource {
  readonly kind = 'ldap';
  readonly capabilities: DataSourceCapabilities;
  readonly id: string;
  readonly name: string;
  private readonly connection: LdapConnection;
  private readonly customers: ObjectSettings<CustomerAttributeMap> | null;
  private readonly users: ObjectSettings<CustomerUserAttributeMap> | null;
  /** Searches under way, so that a lookup arriving meanwhile reuses their entries (see {@link fromSearchesInFlight}). */
  private readonly customersInFlight = new Set<Promise<readonly CustomerRecord[]>>();
  private readonly usersInFlight = new Set<Promise<readonly CustomerUserRecord[]>>();

  constructor(options: LdapDataSourceOptions) {
    const { config } = options;
    this.id = config.id;
    this.name = config.name;
    const preset = LDAP_PRESETS[config.preset];
    this.customers = config.customers ? settle(preset.customers, config.customers) : null;
    this.users = config.customerUsers ? settle(preset.customerUsers, config.customerUsers) : null;
    this.capabilities = {
      customers: this.customers !== null && this.customers.map.customerId !== undefined,
      customerUsers: this.users !== null && this.users.map.login !== undefined,
      writableCustomers: false,
      writableCustomerUsers: false,
    };
    this.connection = new LdapConnection({
      config,
      pageSize: config.pageSize ?? preset.pageSize,
      logger: options.logger,
      onSearchPage: options.onSearchPage,
    });
  }

  async customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const c = this.customers;
    if (!c || !this.capabilities.customers) return customerIds.map(() => null);
    return this.byKeys(customerIds, this.customersInFlight, (r) => r.customerId, (missing) =>
      this.lookup(missing, [c.map.customerId!], c, (e) => toCustomer(e, c.map, c.validity, this.id)),
    );
  }

  async customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const u = this.users;
    if (!u || !this.capabilities.customerUsers) return logins.map(() => null);
    return this.byKeys(logins, this.usersInFlight, (r) => r.login, (missing) =>
      this.lookup(missing, [u.map.login!], u, (e) => toCustomerUser(e, u.map, u.validity, this.id)),
    );
  }

  async customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const c = this.customers;
    if (!c || !this.capabilities.customers || stableIds.length === 0) return stableIds.map(() => null);
    const all = await this.fetch(c, null);
    const byId = new Map(all.map((e) => [e.dn, e] as const));
    return stableIds.map((id) => {
      const e = byId.get(id);
      return e ? toCustomer(e, c.map, c.validity, this.id) : null;
    });
  }

  async customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const u = this.users;
    if (!u || !this.capabilities.customerUsers || stableIds.length === 0) return stableIds.map(() => null);
    const all = await this.fetch(u, null);
    const byId = new Map(all.map((e) => [e.dn, e] as const));
    return stableIds.map((id) => {
      const e = byId.get(id);
      return e ? toCustomerUser(e, u.map, u.validity, this.id) : null;
    });
  }

  async listCustomers(q: CustomerQuery): Promise<Page<CustomerRecord>> {
    const c = this.customers;
    if (!c || !this.capabilities.customers) return pageOfAll<CustomerRecord>([], q, customerSortKey);
    const search = q.search ? q.search.toLowerCase() : null;
    const fields = [c.map.customerId!, ...(c.map.name ? [c.map.name] : [])];
    const all = await this.shared(this.customersInFlight, async () =>
      (await this.fetch(c, search ? containsAny(fields, q.search!) : null))
        .map((e) => toCustomer(e, c.map, c.validity, this.id))
        .filter((r): r is CustomerRecord => r !== null),
    );
    const rows = all
      .filter((r) => q.valid.includes(r.valid))
      .filter((r) => search === null || includesFolded(r.customerId, search) || includesFolded(r.name, search));
    return pageOfAll(unique(rows, (r) => idKey(r.customerId)), q, customerSortKey);
  }

  async listCustomerUsers(q: CustomerUserQuery): Promise<Page<CustomerUserRecord>> {
    const u = this.users;
    if (!u || !this.capabilities.customerUsers) return pageOfAll<CustomerUserRecord>([], q, customerUserSortKey);
    const search = q.search ? q.search.toLowerCase() : null;
    const fields = [u.map.login, u.map.email, u.map.firstName, u.map.lastName].filter((a): a is string => !!a);
    const narrow = and(search ? containsAny(fields, q.search!) : null, q.customerId !== null ? this.customerIdFilter(u, [q.customerId]) : null);
    const all = await this.shared(this.usersInFlight, async () =>
      (await this.fetch(u, narrow)).map((e) => toCustomerUser(e, u.map, u.validity, this.id)).filter((r): r is CustomerUserRecord => r !== null),
    );
    const wanted = q.customerId === null ? null : idKey(q.customerId);
    const rows = all
      .filter((r) => q.valid.includes(r.valid))
      .filter((r) => wanted === null || r.customerIds.some((id) => idKey(id) === wanted))
      .filter(
        (r) =>
          search === null ||
          [r.login, r.email, r.firstName, r.lastName].some((v) => includesFolded(v, search)),
      );
    return pageOfAll(unique(rows, (r) => idKey(r.login)), q, customerUserSortKey);
  }

  async customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<Page<CustomerUserRecord>[]> {
    const u = this.users;
    if (!u || !this.capabilities.customerUsers || queries.length === 0) {
      return queries.map((q) => pageOfAll<CustomerUserRecord>([], q, customerUserSortKey));
    }
    const ids = distinct(queries.map((q) => q.customerId).filter(searchable));
    const users = unique(
      await this.shared(this.usersInFlight, async () => {
        const entries: Entry[] = [];
        for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
          entries.push(...(await this.fetch(u, this.customerIdFilter(u, ids.slice(i, i + LOOKUP_CHUNK)))));
        }
        return entries.map((e) => toCustomerUser(e, u.map, u.validity, this.id)).filter((r): r is CustomerUserRecord => r !== null);
      }),
      (r) => idKey(r.login),
    );
    return queries.map((q) => {
      const key = idKey(q.customerId);
      const rows = users.filter((r) => q.valid.includes(r.valid) && r.customerIds.some((id) => idKey(id) === key));
      return pageOfAll(rows, q, customerUserSortKey);
    });
  }

  async createCustomer(_input: NewCustomer): Promise<CustomerRecord> {
    throw this.readOnly();
  }

  async updateCustomer(_customerId: string, _patch: CustomerPatch): Promise<CustomerRecord> {
    throw this.readOnly();
  }

  async createCustomerUser(_input: NewCustomerUser): Promise<CustomerUserRecord> {
    throw this.readOnly();
  }

  async updateCustomerUser(_login: string, _patch: CustomerUserPatch): Promise<CustomerUserRecord> {
    throw this.readOnly();
  }

  /** Binds as the service account and reads the base entry of the configured objects. */
  async ping(): Promise<void> {
    await this.connection.ping((this.customers ?? this.users)!.baseDN);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private readOnly(): ReadOnlyDataSourceError {
    return new ReadOnlyDataSourceError(`Data source '${this.id}' is a read-only directory`);
  }

  /** Entries whose key attribute equals one of the keys: one search per {@link LOOKUP_CHUNK} distinct keys. */
  /**
   * Records by key (ignoring case), in key order with null for missing: taken from searches
   * already under way where they have them, the rest from one batched lookup.
   */
  private async byKeys<R>(
    keys: readonly string[],
    inFlight: ReadonlySet<Promise<readonly R[]>>,
    keyOf: (r: R) => string,
    lookup: (missing: readonly string[]) => Promise<R[]>,
  ): Promise<(R | null)[]> {
    const byKey = await fromSearchesInFlight(inFlight, (r) => idKey(keyOf(r)));
    const found = await lookup(keys.filter((k) => !byKey.has(idKey(k))));
    for (const r of found) if (!byKey.has(idKey(keyOf(r)))) byKey.set(idKey(keyOf(r)), r);
    return keys.map((k) => byKey.get(idKey(k)) ?? null);
  }

  private async lookup<M, R>(keys: readonly string[], attributes: string[], o: ObjectSettings<M>, map: (e: Entry) => R | null): Promise<R[]> {
    const wanted = distinct(keys.filter(searchable));
    const out: R[] = [];
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const entries = await this.fetch(o, equalsAny(attributes, wanted.slice(i, i + LOOKUP_CHUNK)));
      for (const e of entries) {
        const r = map(e);
        if (r !== null) out.push(r);
      }
    }
    return out;
  }

  /** Runs a search whose records lookups may reuse while it is under way. */
  private shared<R>(inFlight: Set<Promise<readonly R[]>>, search: () => Promise<R[]>): Promise<R[]> {
    const running = search();
    inFlight.add(running);
    const done = () => void inFlight.delete(running);
    running.then(done, done);
    return running;
  }

  private customerIdFilter(u: ObjectSettings<CustomerUserAttributeMap>, ids: readonly string[]): Filter {
    const attrs = [u.map.customerId, u.map.customerIds].filter((a): a is string => !!a);
    return equalsAny(attrs, ids);
  }

  private fetch<M>(o: ObjectSettings<M>, narrow: Filter | null): Promise<Entry[]> {
    return this.connection.search({ baseDN: o.baseDN, scope: o.scope, filter: and(o.filter, narrow), attributes: o.attributes });
  }
}

/**
 * The records of the searches under way, by key. Within one GraphQL request, a detail view
 * lists a customer's users while its tickets ask for their users: the lookup waits for the list
 * already on the wire instead of sending another search. The records are exactly what a search
 * sent now would return (they are being read now), so no staleness is introduced; if such a
 * search fails, the lookup fails with it (the directory just failed), which keeps it within
 * `timeoutMs`.
 */
async function fromSearchesInFlight<R>(inFlight: ReadonlySet<Promise<readonly R[]>>, key: (r: R) => string): Promise<Map<string, R>> {
  const byKey = new Map<string, R>();
  if (inFlight.size === 0) return byKey;
  for (const records of await Promise.all(inFlight)) for (const r of records) if (!byKey.has(key(r))) byKey.set(key(r), r);
  return byKey;
}

/** Keys that can name an entry: an empty value or one with NUL never does, and is not sent. */
function searchable(key: string): boolean {
  return key.length > 0 && !key.includes('\u0000');
}

function distinct(keys: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const k of keys) if (!seen.has(idKey(k))) seen.set(idKey(k), k);
  return [...seen.values()];
}

function unique<T>(rows: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(key(r)) ? false : (seen.add(key(r)), true)));
}

