import { EqualityFilter, GreaterThanEqualsFilter, OrFilter, type Entry, type Filter } from 'ldapts';
import type {
  CustomerQuery,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
} from '../../src/domain/data-source';
import { ReadOnlyDataSourceError } from '../../src/domain/errors';
import type { ListFilter, ListKind } from '../../src/domain/list-filter';
import { pageOfAll, toPage, type Page, type PageRequest, type SortKey } from '../../src/domain/page';
import {
  distinctIds,
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
import { guidToBytes, isBinaryAttribute, isGuidString } from './ldap-binary';
import { and, equalsAny, filterAttributes, parseFilter } from './ldap-filters';
import { ListIndex, type IndexReader, type IndexRow } from '../list-index/list-index';
import { customerRow, IndexedLists, userRow } from '../list-index/index-lists';
import {
  ACCOUNT_STATUS_ATTRIBUTES,
  entryValues,
  requestedAttributes,
  stableIdOf,
  toCustomer,
  toCustomerUser,
  validityTiming,
  type EntryMapping,
  type ValidityRule,
} from './ldap-mapper';
import { LDAP_PRESETS, type CustomerAttributeMap, type CustomerUserAttributeMap, type LdapPreset, type ObjectPreset } from './ldap-presets';

/** Options of {@link LdapDataSource}. */
export interface LdapDataSourceOptions {
  readonly config: LdapSourceConfig;
  readonly logger: Logger;
  /** Called once per LDAP search page sent (the operations metric). */
  readonly onSearchPage: () => void;
  /**
   * The clock (ms since the epoch) of the list indexes (refreshes, sweeps, accounts expiring) and
   * of account validity (`accountExpires`); default `Date.now`. Tests move it.
   */
  readonly now?: () => number;
}

/** Keys per search of a batched lookup: one OR filter of this many equality terms at most. */
export const LOOKUP_CHUNK = 500;

/** One object kind as configured: preset defaults with the configuration over them. */
interface ObjectSettings<M> {
  readonly baseDN: string;
  readonly scope: 'base' | 'one' | 'sub';
  readonly filter: Filter;
  readonly mapping: EntryMapping<M>;
  /** Attributes of a lookup (every mapped one, validity, stable id, change marker). */
  readonly attributes: readonly string[];
  /** Attributes of the index's reads: keys, sort and search fields, validity, stable id, change marker. */
  readonly indexAttributes: readonly string[];
  /** Attributes of the sweep: the stable id (none: the DN) and the key (an entry without one is no record). */
  readonly sweepAttributes: readonly string[];
  /** The attribute holding the key (customer id or login). */
  readonly keyAttribute: string;
  readonly binaryAttributes: readonly string[];
  readonly changeAttribute: string;
}

type ObjectConfig = NonNullable<LdapSourceConfig['customerUsers']>;

/** Contract fields the index reads (see {@link IndexRow}). */
const CUSTOMER_INDEX_FIELDS = ['customerId', 'name'];
const USER_INDEX_FIELDS = ['login', 'email', 'firstName', 'lastName', 'customerId', 'customerIds'];

function settle<M extends object>(
  preset: ObjectPreset<M>,
  config: ObjectConfig,
  directory: LdapPreset,
  sourceId: string,
  indexFields: readonly string[],
  keyField: 'customerId' | 'login',
  customersBaseDN: string | null,
): ObjectSettings<M> {
  const map = { ...preset.map } as Record<string, string | undefined>;
  for (const [field, attribute] of Object.entries(config.map ?? {})) {
    if (attribute === null) delete map[field];
    else if (attribute !== undefined) map[field] = attribute;
  }
  const accountStatus = config.accountStatus ?? preset.accountStatus ?? false;
  const validText = config.validFilter ?? preset.validFilter;
  const validity: ValidityRule = {
    validFilter: validText ? parseFilter(validText) : null,
    temporarilyInvalidFilter: config.temporarilyInvalidFilter ? parseFilter(config.temporarilyInvalidFilter) : null,
    accountStatus,
  };
  const stableIdAttribute = config.stableIdAttribute === undefined ? directory.stableIdAttribute : config.stableIdAttribute;
  const extra = new Set<string>();
  if (validity.validFilter) filterAttributes(validity.validFilter, extra);
  if (validity.temporarilyInvalidFilter) filterAttributes(validity.temporarilyInvalidFilter, extra);
  if (accountStatus) ACCOUNT_STATUS_ATTRIBUTES.forEach((a) => extra.add(a));
  if (stableIdAttribute) extra.add(stableIdAttribute);
  extra.add(directory.changeAttribute);
  const attributes = requestedAttributes(map, extra);
  const indexMap = Object.fromEntries(Object.entries(map).filter(([field]) => indexFields.includes(field)));
  return {
    baseDN: config.baseDN,
    scope: config.scope ?? preset.scope,
    filter: parseFilter(config.filter ?? preset.filter),
    mapping: {
      map: map as M,
      validity,
      sourceId,
      stableIdAttribute,
      customerIdFromOU: config.customerIdFromOU ? { customersBaseDN } : null,
    },
    attributes,
    indexAttributes: requestedAttributes(indexMap, extra),
    sweepAttributes: requestedAttributes({ key: map[keyField] }, stableIdAttribute ? [stableIdAttribute] : []),
    keyAttribute: map[keyField] ?? '',
    binaryAttributes: binarySpellings(attributes),
    changeAttribute: directory.changeAttribute,
  };
}

/** ldapts matches binary attribute names as the server spells them: ask for the usual spellings too. */
function binarySpellings(attributes: readonly string[]): string[] {
  const known = ['objectGUID', 'objectSid', 'mS-DS-ConsistencyGuid', 'msExchMailboxGuid', 'securityIdentifier'];
  const wanted = attributes.filter(isBinaryAttribute);
  return [...new Set([...wanted, ...wanted.map((a) => a.toLowerCase()), ...known.filter((k) => wanted.some((a) => a.toLowerCase() === k.toLowerCase()))])];
}

/** Orders change markers: USNs numerically, GeneralizedTime values as text (same format). */
function compareChange(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Customers and customer users read from an LDAP directory (OpenLDAP, Active Directory). Never
 * writable. Lookups are live and batch all keys into one search per {@link LOOKUP_CHUNK} keys.
 * Lists are answered from a {@link ListIndex} of the entries' keys: changes at most
 * `index.maxStalenessSeconds` old (an incremental read by change marker), entries deleted, moved
 * out of the base DN or no longer matching the filter at most `index.sweepSeconds` (a sweep: a
 * keys-only read of every entry's stable id), accounts expiring by `accountExpires` at the
 * instant, lapsed lockouts with the next refresh (locked-out entries are read again on each).
 * The index picks the page's keys and counts the total, and one batched lookup reads the page's
 * entries live. Should the lookup show that an entry changed its place, validity or customers,
 * or is gone, the index takes that in and the page is picked again, so a page never shows a
 * record outside its window. It needs only paged results (RFC 2696) from the server: no
 * server-side sort, no VLV.
 */
export class LdapDataSource implements DataSource {
  readonly kind = 'ldap';
  readonly capabilities: DataSourceCapabilities;
  readonly id: string;
  readonly name: string;
  private readonly connection: LdapConnection;
  private readonly indexConnection: LdapConnection;
  /** The index reads, one after the other on {@link indexConnection}. */
  private indexReads: Promise<unknown> = Promise.resolve();
  private readonly customers: ObjectSettings<CustomerAttributeMap> | null;
  private readonly users: ObjectSettings<CustomerUserAttributeMap> | null;
  private readonly indexes: { customers: ListIndex | null; users: ListIndex | null };
  private readonly lists: IndexedLists;
  private readonly timeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: LdapDataSourceOptions) {
    const { config } = options;
    this.id = config.id;
    this.name = config.name;
    const preset = LDAP_PRESETS[config.preset];
    this.now = options.now ?? Date.now;
    this.customers = config.customers ? settle(preset.customers, config.customers, preset, config.id, CUSTOMER_INDEX_FIELDS, 'customerId', null) : null;
    this.users = config.customerUsers
      ? settle(preset.customerUsers, config.customerUsers, preset, config.id, USER_INDEX_FIELDS, 'login', config.customers?.baseDN ?? null)
      : null;
    this.capabilities = {
      customers: this.customers !== null && this.customers.mapping.map.customerId !== undefined,
      customerUsers: this.users !== null && this.users.mapping.map.login !== undefined,
      writableCustomers: false,
      writableCustomerUsers: false,
      movesTicketsOnRename: false,
      dynamicFields: false,
      countsWithPages: false,
    };
    this.timeoutMs = config.timeoutMs;
    this.readTimeoutMs = config.index.readTimeoutMs;
    const connectionOptions = { config, pageSize: config.pageSize ?? preset.pageSize, logger: options.logger, onSearchPage: options.onSearchPage };
    this.connection = new LdapConnection(connectionOptions);
    // The index's long reads get a session of their own, one read at a time: OpenLDAP keeps one
    // paged-results state per connection, so interleaved multi-page searches would break.
    this.indexConnection = new LdapConnection(connectionOptions);
    const indexOptions = {
      maxStalenessMs: config.index.maxStalenessSeconds * 1000,
      sweepMs: config.index.sweepSeconds * 1000,
      fullRefreshMs: config.index.fullRefreshMinutes * 60_000,
      now: this.now,
    };
    const c = this.customers;
    const u = this.users;
    this.indexes = {
      customers: c && this.capabilities.customers ? new ListIndex(this.indexReader(c, (e) => toCustomer(e, c.mapping, this.now()), customerRow), indexOptions) : null,
      users: u && this.capabilities.customerUsers ? new ListIndex(this.indexReader(u, (e) => toCustomerUser(e, u.mapping, this.now()), userRow), indexOptions) : null,
    };
    this.lists = new IndexedLists(this.indexes.customers, this.indexes.users, this);
  }

  /** Reads the directory's changes into the list indexes now (a full read when `full`); for tests and warm-up. */
  async refreshIndexes(full = false): Promise<void> {
    await Promise.all([this.indexes.customers?.refresh(full), this.indexes.users?.refresh(full)]);
  }

  /** Sweeps the list indexes now (refreshes do when due): for the benchmark. */
  async sweepIndexes(): Promise<void> {
    await Promise.all([this.indexes.customers?.sweep(), this.indexes.users?.sweep()]);
  }

  /** Entries held by the list indexes (for tests and the benchmark). */
  indexSizes(): { customers: number; customerUsers: number } {
    return { customers: this.indexes.customers?.size ?? 0, customerUsers: this.indexes.users?.size ?? 0 };
  }

  async customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const c = this.customers;
    if (!c || !this.capabilities.customers) return customerIds.map(() => null);
    return this.byKeys(customerIds, (r) => r.customerId, (keys) => this.lookup(keys, c, (e) => toCustomer(e, c.mapping, this.now())));
  }

  async customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const u = this.users;
    if (!u || !this.capabilities.customerUsers) return logins.map(() => null);
    return this.byKeys(logins, (r) => r.login, (keys) => this.lookup(keys, u, (e) => toCustomerUser(e, u.mapping, this.now())));
  }

  async customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const c = this.customers;
    if (!c || !this.capabilities.customers || stableIds.length === 0) return stableIds.map(() => null);
    return this.byStableIds(stableIds, c, this.indexes.customers!, (e) => toCustomer(e, c.mapping, this.now()), (keys) => this.customersByIds(keys));
  }

  async customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const u = this.users;
    if (!u || !this.capabilities.customerUsers || stableIds.length === 0) return stableIds.map(() => null);
    return this.byStableIds(stableIds, u, this.indexes.users!, (e) => toCustomerUser(e, u.mapping, this.now()), (keys) => this.customerUsersByLogins(keys));
  }

  listCustomers(q: CustomerQuery): Promise<Page<CustomerRecord>> {
    return this.lists.listCustomers(q);
  }

  listCustomerUsers(q: CustomerUserQuery): Promise<Page<CustomerUserRecord>> {
    return this.lists.listCustomerUsers(q);
  }

  customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<Page<CustomerUserRecord>[]> {
    return this.lists.customerUsersOfCustomers(queries);
  }

  /** From the list indexes, without a search (see `DataSource.listedKeys`). */
  listedKeys(kind: ListKind, filters: readonly ListFilter[]): Promise<string[][]> {
    return this.lists.listedKeys(kind, filters);
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
    await Promise.all([this.connection.close(), this.indexConnection.close()]);
  }

  private readOnly(): ReadOnlyDataSourceError {
    return new ReadOnlyDataSourceError(`Data source '${this.id}' is a read-only directory`);
  }

  /**
   * Records by key (ignoring case), in key order with null for missing, from one batched lookup.
   * (Repeated lookups within a request are the per-request loaders' to save, not the adapter's.)
   */
  private async byKeys<R>(keys: readonly string[], keyOf: (r: R) => string, lookup: (keys: readonly string[]) => Promise<R[]>): Promise<(R | null)[]> {
    const byKey = new Map<string, R>();
    for (const r of await lookup(keys)) if (!byKey.has(idKey(keyOf(r)))) byKey.set(idKey(keyOf(r)), r);
    return keys.map((k) => byKey.get(idKey(k)) ?? null);
  }

  /** Records of the entries whose key attribute equals one of the keys (see {@link entriesByKeys}). */
  private async lookup<M, R>(keys: readonly string[], o: ObjectSettings<M>, map: (e: Entry) => R | null): Promise<R[]> {
    const out: R[] = [];
    for (const e of await this.entriesByKeys(keys, o)) {
      const r = map(e);
      if (r !== null) out.push(r);
    }
    return out;
  }

  /** Entries whose key attribute equals one of the keys: one search per {@link LOOKUP_CHUNK} distinct keys. */
  private async entriesByKeys<M>(keys: readonly string[], o: ObjectSettings<M>): Promise<Entry[]> {
    const wanted = distinctIds(keys.filter(searchable));
    const out: Entry[] = [];
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const chunk = wanted.slice(i, i + LOOKUP_CHUNK);
      out.push(...(await this.fetch(o, equalsAny([o.keyAttribute], chunk), chunk.length)));
    }
    return out;
  }

  /** How a list index reads the entries of `o`: changes, the sweep, and rows whose validity changes by time. */
  private indexReader<M, R>(o: ObjectSettings<M>, map: (e: Entry) => R | null, row: (r: R, change: string) => IndexRow): IndexReader {
    const toRow = (e: Entry): IndexRow | null => {
      const r = map(e);
      if (r === null) return null;
      const values = entryValues(e);
      return { ...row(r, values.get(o.changeAttribute.toLowerCase())?.[0] ?? ''), ...validityTiming(values, o.mapping.validity, this.now()) };
    };
    return {
      compareChange,
      read: (since) => this.readIndex(o, since, toRow),
      sweep: () => this.sweep(o),
      // Live, as a lookup: the few rows whose account expired or was locked out.
      reread: async (rows) => (await this.entriesByKeys(rows.map((r) => r.key), o)).map(toRow).filter((r): r is IndexRow => r !== null),
    };
  }

  /** The entries of `o` that match `narrow`, expecting at most `expected` of them (see {@link SearchSpec.expected}). */
  private fetch<M>(o: ObjectSettings<M>, narrow: Filter | null, expected?: number): Promise<Entry[]> {
    return this.connection.search({
      ...(expected !== undefined && { expected }),
      baseDN: o.baseDN,
      scope: o.scope,
      // The narrowing term first: Samba AD evaluates an AND in order (a 50-key page 25 % faster at 20,000 users).
      filter: and(narrow, o.filter),
      attributes: o.attributes,
      binaryAttributes: o.binaryAttributes,
    });
  }

  /** The index's read: every entry, or those changed at or after `since`, with the index's attributes only. */
  private async readIndex<M>(o: ObjectSettings<M>, since: string | null, toRow: (e: Entry) => IndexRow | null): Promise<IndexRow[]> {
    const changed = since ? new GreaterThanEqualsFilter({ attribute: o.changeAttribute, value: since }) : null;
    const entries = await this.indexSearch(o, changed, o.indexAttributes);
    const rows: IndexRow[] = [];
    for (const e of entries) {
      const r = toRow(e);
      if (r !== null) rows.push(r);
    }
    return rows;
  }

  /**
   * The sweep: the stable ids of every entry of `o` that has a key, by one paged search asking
   * for the stable id and the key only (`entryUUID` / `objectGUID`, or nothing but the DN when
   * the DN is the stable id). The index drops the rows it does not see.
   */
  private async sweep<M>(o: ObjectSettings<M>): Promise<Set<string>> {
    const attribute = o.mapping.stableIdAttribute;
    const key = o.keyAttribute.toLowerCase();
    const ids = new Set<string>();
    for (const e of await this.indexSearch(o, null, o.sweepAttributes)) {
      const values = entryValues(e);
      if (values.has(key)) ids.add(stableIdOf(e, values, attribute));
    }
    return ids;
  }

  /** One search of the index's reads, one at a time on {@link indexConnection}, within `readTimeoutMs`. */
  private indexSearch<M>(o: ObjectSettings<M>, narrow: Filter | null, attributes: readonly string[]): Promise<Entry[]> {
    const read = this.indexReads.then(() =>
      this.indexConnection.search({
        baseDN: o.baseDN,
        scope: o.scope,
        filter: and(narrow, o.filter),
        attributes,
        binaryAttributes: o.binaryAttributes,
        timeoutMs: Math.max(this.readTimeoutMs, this.timeoutMs),
      }),
    );
    this.indexReads = read.catch(() => undefined);
    return read;
  }

  /**
   * Records by stable id, in key order: GUIDs/UUIDs by one search on the stable-id attribute
   * (binary for objectGUID); with `stableIdAttribute: null`, DNs through the index to their key
   * and one batched lookup; anything else is null without a search.
   */
  private async byStableIds<M, R extends { stableId: string }>(
    stableIds: readonly string[],
    o: ObjectSettings<M>,
    index: ListIndex,
    map: (e: Entry) => R | null,
    byKeys: (keys: string[]) => Promise<(R | null)[]>,
  ): Promise<(R | null)[]> {
    const attribute = o.mapping.stableIdAttribute;
    const guids = attribute ? distinctIds(stableIds.filter(isGuidString)) : [];
    const dns = attribute ? [] : stableIds.filter((id) => searchable(id) && /=/.test(id));
    const byId = new Map<string, R>();
    for (let i = 0; i < guids.length; i += LOOKUP_CHUNK) {
      const terms = guids.slice(i, i + LOOKUP_CHUNK).map(
        (g) => new EqualityFilter({ attribute: attribute!, value: isBinaryAttribute(attribute!) ? guidToBytes(g)! : g.toLowerCase() }),
      );
      const entries = await this.fetch(o, terms.length === 1 ? terms[0]! : equalsAnyFilters(terms), terms.length);
      for (const e of entries) {
        const r = map(e);
        if (r) byId.set(r.stableId.toLowerCase(), r);
      }
    }
    if (dns.length > 0) {
      await index.fresh();
      const keys = dns.map((dn) => index.get(dn)?.key ?? null);
      const wanted = keys.filter((k): k is string => k !== null);
      const found = wanted.length > 0 ? await byKeys(wanted) : [];
      for (const r of found) if (r && dns.includes(r.stableId)) byId.set(r.stableId.toLowerCase(), r);
    }
    return stableIds.map((id) => byId.get(id.toLowerCase()) ?? null);
  }
}

/** `(|t1 t2 ...)`: an entry matching any of the terms (one chunk of a lookup by stable ids). */
function equalsAnyFilters(filters: Filter[]): Filter {
  return new OrFilter({ filters });
}

/** Keys that can name an entry: an empty value or one with NUL never does, and is not sent. */
function searchable(key: string): boolean {
  return key.length > 0 && !key.includes('\u0000');
}



