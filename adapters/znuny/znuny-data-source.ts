import type {
  CustomerPage,
  CustomerQuery,
  CustomerUserPage,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
} from '../../src/domain/data-source';
import type { DynamicFieldObject, DynamicFieldValue } from '../../src/domain/dynamic-fields';
import type { ListFilter, ListKind } from '../../src/domain/list-filter';
import { ConflictError, NotFoundError, ReadOnlyDataSourceError, ValidationError } from '../../src/domain/errors';
import type { Page } from '../../src/domain/page';
import {
  distinctIds,
  idKey,
  Validity,
  type CustomerPatch,
  type CustomerRecord,
  type CustomerUserPatch,
  type CustomerUserRecord,
  type NewCustomer,
  type NewCustomerUser,
} from '../../src/domain/records';
import { countryByCode, countryCodeByName } from '../../src/domain/countries';
import { customerRow, IndexedLists, userRow } from '../list-index/index-lists';
import { ListIndex, type IndexRow } from '../list-index/list-index';
import type { ZnunySourceConfig } from './znuny-config';
import type { ZnunyConnection, ZnunyQuery } from './znuny-connection';
import { readDynamicFields } from './znuny-dynamic-fields';
import type { ZnunySchema } from './znuny-schema';
import { Sql } from './znuny-sql';
import { fromZnunyTime, toZnunyTime } from './znuny-time';

/** Rows deleted in Znuny leave the lists within this time (the sweep of the list indexes). */
export const SWEEP_MS = 60_000;

const VALIDITY: Readonly<Record<number, Validity>> = { 1: Validity.VALID, 2: Validity.INVALID, 3: Validity.INVALID_TEMPORARILY };
const VALID_ID: Readonly<Record<Validity, number>> = { VALID: 1, INVALID: 2, INVALID_TEMPORARILY: 3 };

function validityOf(validId: number | string): Validity {
  return VALIDITY[Number(validId)] ?? Validity.INVALID;
}

const CUSTOMER_COLUMNS = 'c.customer_id, c.name, c.street, c.zip, c.city, c.country, c.url, c.comments, c.valid_id, c.create_time, c.change_time';

interface CustomerRow {
  customer_id: string;
  name: string;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  url: string | null;
  comments: string | null;
  valid_id: number | string;
  create_time: string | null;
  change_time: string | null;
}

interface UserRow {
  id: number | string;
  login: string;
  email: string | null;
  customer_id: string | null;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  mobile: string | null;
  street: string | null;
  zip: string | null;
  city: string | null;
  country: string | null;
  comments: string | null;
  valid_id: number | string;
  create_time: string | null;
  change_time: string | null;
  /** The further customer ids, joined by newlines (null: none). */
  further: string | null;
  /** The latest change of the further customer ids (the index's reads only). */
  further_change?: string | null;
}

/** A change to customers or customer users read from Znuny, as the list index took it in. */
export interface IndexChanges {
  readonly customers: readonly { readonly before: string | null; readonly after: string }[];
  readonly customerUsers: readonly { readonly login: string; readonly customerIdsBefore: readonly string[]; readonly customerIdsAfter: readonly string[] }[];
}

/** Options of {@link ZnunyDataSource}. */
export interface ZnunyDataSourceOptions {
  readonly config: ZnunySourceConfig;
  readonly db: ZnunyConnection;
  /** The schema learned at start (read again when the start could not reach the database). */
  readonly schema: () => Promise<ZnunySchema>;
  /** The tickets live in this database too (`tickets` names this source): a rename moves them. */
  readonly holdsTickets: boolean;
  readonly now?: () => Date;
}

/**
 * Customers (`customer_company`) and customer users (`customer_user`, further customer ids in
 * `customer_user_customer`) of a Znuny / OTOBO / OTRS 6 database, read as Znuny keeps them and
 * written, when `readOnly` is false, as Znuny writes them. Lookups are live and batched (one
 * statement per batch). Znuny's tables hold no key in the contract's collation, so lists are
 * ordered by in-memory indexes of the keys (see {@link IndexedLists}), kept current by reading
 * the rows whose `change_time` moved; those reads also tell the live screens what Znuny changed.
 */
export class ZnunyDataSource implements DataSource {
  readonly kind = 'znuny';
  readonly capabilities: DataSourceCapabilities;
  readonly id: string;
  readonly name: string;
  private readonly db: ZnunyConnection;
  private readonly zone: string;
  private readonly now: () => Date;
  private readonly indexes: { readonly customers: ListIndex; readonly users: ListIndex };
  private readonly lists: IndexedLists;
  private listener: ((changes: IndexChanges) => void) | null = null;

  constructor(private readonly options: ZnunyDataSourceOptions) {
    const { config } = options;
    this.id = config.id;
    this.name = config.name;
    this.db = options.db;
    this.zone = config.timeZone;
    this.now = options.now ?? (() => new Date());
    const writable = !config.readOnly;
    this.capabilities = {
      customers: true,
      customerUsers: true,
      writableCustomers: writable,
      writableCustomerUsers: writable,
      movesTicketsOnRename: options.holdsTickets,
      dynamicFields: true,
      countsWithPages: false,
    };
    // Changes within two polls, deleted rows within a minute (the sweep), everything again every fullRefreshMinutes.
    const indexOptions = {
      maxStalenessMs: Math.max(2000, config.pollSeconds * 2000),
      sweepMs: Math.max(SWEEP_MS, config.pollSeconds * 2000),
      fullRefreshMs: config.fullRefreshMinutes * 60_000,
      now: () => this.now().getTime(),
    };
    const compareChange = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1);
    this.indexes = {
      customers: new ListIndex({ compareChange, read: (since) => this.readCustomerKeys(since), sweep: () => this.sweep('customer_id', 'customer_company') }, indexOptions),
      users: new ListIndex({ compareChange, read: (since) => this.readUserKeys(since), sweep: () => this.sweep('id', 'customer_user') }, indexOptions),
    };
    this.lists = new IndexedLists(this.indexes.customers, this.indexes.users, this);
  }

  /** Hears the changes the list indexes read from Znuny (the live screens' poll); one listener. */
  onChanges(listener: ((changes: IndexChanges) => void) | null): void {
    this.listener = listener;
  }

  /** Reads what changed in Znuny into the list indexes now (the poll; a full read when `full`). */
  async refreshIndexes(full = false): Promise<void> {
    await Promise.all([this.indexes.customers.refresh(full), this.indexes.users.refresh(full)]);
  }

  async customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    if (customerIds.length === 0) return [];
    const s = new Sql();
    const where = s.take(this.db.keyMatch('c.customer_id', distinctIds(customerIds)));
    const rows = await this.db.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customer_company c WHERE ${where}`, s.params);
    return inKeyOrder(customerIds, rows.map((r) => this.toCustomer(r)), (c) => c.customerId);
  }

  /** A Znuny customer's stable id is its CustomerID (Znuny has no other key for it). */
  async customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const found = await this.customersByIds(stableIds);
    return found.map((c, i) => (c && c.stableId === stableIds[i] ? c : null));
  }

  listCustomers(q: CustomerQuery): Promise<CustomerPage> {
    return this.lists.listCustomers(q);
  }

  async customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    if (logins.length === 0) return [];
    const s = new Sql();
    const where = s.take(this.db.keyMatch('u.login', distinctIds(logins)));
    const rows = await this.db.query<UserRow>(`SELECT ${this.userColumns()} FROM customer_user u WHERE ${where}`, s.params);
    return inKeyOrder(logins, rows.map((r) => this.toCustomerUser(r)), (u) => u.login);
  }

  /** A customer user's stable id is `customer_user.id`. */
  async customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const ids = stableIds.filter((id) => /^[1-9]\d{0,17}$/.test(id));
    if (ids.length === 0) return stableIds.map(() => null);
    const s = new Sql();
    const where = s.take(this.db.inList('u.id', [...new Set(ids)].map(Number)));
    const rows = await this.db.query<UserRow>(`SELECT ${this.userColumns()} FROM customer_user u WHERE ${where}`, s.params);
    const byId = new Map(rows.map((r) => [String(r.id), this.toCustomerUser(r)] as const));
    return stableIds.map((id) => byId.get(id) ?? null);
  }

  listCustomerUsers(q: CustomerUserQuery): Promise<Page<CustomerUserRecord>> {
    return this.lists.listCustomerUsers(q);
  }

  customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<CustomerUserPage[]> {
    return this.lists.customerUsersOfCustomers(queries);
  }

  /** From the list indexes, without a statement (see `DataSource.listedKeys`). */
  listedKeys(kind: ListKind, filters: readonly ListFilter[]): Promise<string[][]> {
    return this.lists.listedKeys(kind, filters);
  }

  /** The valid dynamic fields of object type CustomerCompany / CustomerUser with their values, one statement per batch. */
  dynamicFieldsOf(object: DynamicFieldObject, keys: readonly string[]): Promise<DynamicFieldValue[][]> {
    return readDynamicFields(this.db, object, keys, this.zone);
  }

  async createCustomer(input: NewCustomer): Promise<CustomerRecord> {
    this.assertWritable();
    const widths = (await this.options.schema()).widths;
    checkWidths(widths, 'customer_company', { customer_id: ['customerId', input.customerId], name: ['name', input.name], ...customerTextColumns(input) });
    const record = await this.db.transaction(async (tx) => {
      await this.assertCustomerFree(tx, input.customerId, input.name, null);
      const at = this.time();
      await tx.query(
        `INSERT INTO customer_company (customer_id, name, street, zip, city, country, url, comments, valid_id, create_time, create_by, change_time, change_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [input.customerId, input.name, input.street, input.zip, input.city, countryName(input.countryCode), input.url, input.comment,
          VALID_ID[input.valid], at, this.options.config.agentId, at, this.options.config.agentId],
      );
      return (await this.customerIn(tx, input.customerId))!;
    });
    this.indexes.customers.put(customerRow(record, toZnunyTime(record.changedAt ?? this.now(), this.zone)));
    return record;
  }

  async updateCustomer(customerId: string, patch: CustomerPatch): Promise<CustomerRecord> {
    this.assertWritable();
    const widths = (await this.options.schema()).widths;
    const { record, old } = await this.db.transaction(async (tx) => {
      const current = await this.customerIn(tx, customerId, true);
      if (!current) throw new NotFoundError(`Customer '${customerId}' does not exist in data source '${this.id}'`);
      const next = { ...current, ...definedOnly(patch) };
      checkWidths(widths, 'customer_company', { customer_id: ['customerId', next.customerId], name: ['name', next.name], ...customerTextColumns(next) });
      await this.assertCustomerFree(tx, next.customerId, next.name, current.customerId);
      await tx.query(
        `UPDATE customer_company SET customer_id = ?, name = ?, street = ?, zip = ?, city = ?, country = ?, url = ?, comments = ?, valid_id = ?,
           change_time = ?, change_by = ? WHERE customer_id = ?`,
        [next.customerId, next.name, next.street, next.zip, next.city, countryName(next.countryCode), next.url, next.comment, VALID_ID[next.valid],
          this.time(), this.options.config.agentId, current.customerId],
      );
      if (next.customerId !== current.customerId) await this.moveCustomer(tx, current.customerId, next.customerId);
      return { record: (await this.customerIn(tx, next.customerId))!, old: current };
    });
    if (old.stableId !== record.stableId) this.indexes.customers.remove(old.stableId);
    this.indexes.customers.put(customerRow(record, toZnunyTime(record.changedAt ?? this.now(), this.zone)));
    if (old.customerId !== record.customerId) void this.indexes.users.refresh().catch(() => undefined);
    return record;
  }

  async createCustomerUser(input: NewCustomerUser): Promise<CustomerUserRecord> {
    this.assertWritable();
    const widths = (await this.options.schema()).widths;
    checkWidths(widths, 'customer_user', { login: ['login', input.login], ...userTextColumns(input) });
    const record = await this.db.transaction(async (tx) => {
      if (await this.userIn(tx, input.login)) throw new ConflictError(`Login '${input.login}' is taken`, 'login');
      await this.assertEmailFree(tx, input.email, null);
      const at = this.time();
      const agent = this.options.config.agentId;
      await tx.query(
        `INSERT INTO customer_user (login, email, customer_id, title, first_name, last_name, phone, mobile, street, zip, city, country, comments,
           valid_id, create_time, create_by, change_time, change_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [input.login, input.email, input.customerId, input.title, input.firstName, input.lastName, input.phone, input.mobile, input.street,
          input.zip, input.city, countryName(input.countryCode), input.comment, VALID_ID[input.valid], at, agent, at, agent],
      );
      await this.writeFurtherIds(tx, input.login, input.customerId, input.additionalCustomerIds);
      return (await this.userIn(tx, input.login))!;
    });
    this.indexes.users.put(userRow(record, toZnunyTime(record.changedAt ?? this.now(), this.zone)));
    return record;
  }

  async updateCustomerUser(login: string, patch: CustomerUserPatch): Promise<CustomerUserRecord> {
    this.assertWritable();
    const widths = (await this.options.schema()).widths;
    const record = await this.db.transaction(async (tx) => {
      const current = await this.userIn(tx, login, true);
      if (!current) throw new NotFoundError(`Customer user '${login}' does not exist in data source '${this.id}'`);
      const given = definedOnly(patch);
      const customerId = given.customerId ?? current.customerId;
      const further = (given.additionalCustomerIds ?? current.customerIds.slice(1)).filter((c) => idKey(c) !== idKey(customerId));
      const next = { ...current, ...given, customerId, countryCode: 'countryCode' in given ? given.countryCode! : current.countryCode };
      checkWidths(widths, 'customer_user', userTextColumns(next));
      if (idKey(next.email) !== idKey(current.email)) await this.assertEmailFree(tx, next.email, current.login);
      await tx.query(
        `UPDATE customer_user SET email = ?, customer_id = ?, title = ?, first_name = ?, last_name = ?, phone = ?, mobile = ?, street = ?, zip = ?,
           city = ?, country = ?, comments = ?, valid_id = ?, change_time = ?, change_by = ? WHERE login = ?`,
        [next.email, next.customerId, next.title, next.firstName, next.lastName, next.phone, next.mobile, next.street, next.zip, next.city,
          countryName(next.countryCode), next.comment, VALID_ID[next.valid], this.time(), this.options.config.agentId, current.login],
      );
      await tx.query(`DELETE FROM customer_user_customer WHERE user_id = ?`, [current.login]);
      await this.writeFurtherIds(tx, current.login, customerId, further);
      return (await this.userIn(tx, current.login))!;
    });
    this.indexes.users.put(userRow(record, toZnunyTime(record.changedAt ?? this.now(), this.zone)));
    return record;
  }

  async ping(): Promise<void> {
    await this.db.ping();
  }

  async close(): Promise<void> {
    // The connection is owned by the Znuny store, which closes it once for the source and the tickets.
  }

  /** The columns of a customer user; with `changes`, also when its further customer ids last changed (the index's reads). */
  private userColumns(changes = false): string {
    // The further ids joined by a newline (no customer id holds one): a literal newline in MariaDB's separator.
    const further =
      this.db.dialect === 'mysql'
        ? `(SELECT GROUP_CONCAT(x.customer_id ORDER BY x.customer_id SEPARATOR '\n') FROM customer_user_customer x WHERE x.user_id = u.login)`
        : `(SELECT string_agg(x.customer_id, chr(10) ORDER BY x.customer_id) FROM customer_user_customer x WHERE x.user_id = u.login)`;
    return `u.id, u.login, u.email, u.customer_id, u.title, u.first_name, u.last_name, u.phone, u.mobile, u.street, u.zip, u.city, u.country,
      u.comments, u.valid_id, u.create_time, u.change_time, ${further} AS further${
        changes ? ', (SELECT MAX(x.change_time) FROM customer_user_customer x WHERE x.user_id = u.login) AS further_change' : ''}`;
  }

  private toCustomer(r: CustomerRow): CustomerRecord {
    return {
      sourceId: this.id,
      stableId: r.customer_id,
      customerId: r.customer_id,
      name: r.name,
      valid: validityOf(r.valid_id),
      street: r.street || null,
      zip: r.zip || null,
      city: r.city || null,
      countryCode: countryCodeByName(r.country),
      url: r.url || null,
      comment: r.comments || null,
      createdAt: fromZnunyTime(r.create_time, this.zone),
      changedAt: fromZnunyTime(r.change_time, this.zone),
    };
  }

  private toCustomerUser(r: UserRow): CustomerUserRecord {
    const primary = r.customer_id ?? '';
    return {
      sourceId: this.id,
      stableId: String(r.id),
      login: r.login,
      email: r.email ?? '',
      title: r.title || null,
      firstName: r.first_name ?? '',
      lastName: r.last_name ?? '',
      phone: r.phone || null,
      mobile: r.mobile || null,
      street: r.street || null,
      zip: r.zip || null,
      city: r.city || null,
      countryCode: countryCodeByName(r.country),
      comment: r.comments || null,
      valid: validityOf(r.valid_id),
      customerId: primary,
      customerIds: distinctIds([primary, ...(r.further ? r.further.split('\n') : [])].filter((c) => c !== '')),
      createdAt: fromZnunyTime(r.create_time, this.zone),
      changedAt: fromZnunyTime(r.change_time, this.zone),
    };
  }

  /** The index's read of customers: every row, or those whose `change_time` is at or after `since`. */
  private async readCustomerKeys(since: string | null): Promise<IndexRow[]> {
    const rows = await this.db.query<CustomerRow>(
      `SELECT c.customer_id, c.name, c.valid_id, c.change_time FROM customer_company c${since ? ' WHERE c.change_time >= ?' : ''}`,
      since ? [since] : [],
    );
    const read = rows.map((r) => customerRow(this.toCustomer({ ...r, street: null, zip: null, city: null, country: null, url: null, comments: null, create_time: null }), r.change_time ?? ''));
    this.report(this.indexes.customers, read, (row, held) => ({ customers: [{ before: held?.key ?? null, after: row.key }], customerUsers: [] }));
    return read;
  }

  /** The index's read of customer users (with their further customer ids), changed at or after `since`. */
  private async readUserKeys(since: string | null): Promise<IndexRow[]> {
    const changed = since ? ' WHERE u.change_time >= ? OR u.login IN (SELECT x.user_id FROM customer_user_customer x WHERE x.change_time >= ?)' : '';
    const rows = await this.db.query<UserRow>(`SELECT ${this.userColumns(true)} FROM customer_user u${changed}`, since ? [since, since] : []);
    const read = rows.map((r) => {
      const change = [r.change_time ?? '', r.further_change ?? ''].sort().pop()!;
      return userRow(this.toCustomerUser(r), change);
    });
    this.report(this.indexes.users, read, (row, held) => ({
      customers: [],
      customerUsers: [{ login: row.key, customerIdsBefore: held?.customerIds ?? [], customerIdsAfter: row.customerIds }],
    }));
    return read;
  }

  /**
   * The sweep: the stable ids of every row now (one narrow statement), so that rows deleted in
   * Znuny leave the lists within the index's staleness, which no `change_time` shows.
   */
  private async sweep(column: 'customer_id' | 'id', table: 'customer_company' | 'customer_user'): Promise<ReadonlySet<string>> {
    const rows = await this.db.query<{ k: string | number }>(`SELECT ${column} AS k FROM ${table}`);
    return new Set(rows.map((r) => String(r.k)));
  }

  /** Tells the listener about rows whose change marker moved (nothing on the first load). */
  private report(index: ListIndex, rows: readonly IndexRow[], change: (row: IndexRow, held: IndexRow | undefined) => IndexChanges): void {
    if (!this.listener || index.size === 0) return;
    const changes = rows.flatMap((row) => {
      const held = index.get(row.stableId);
      return held && held.change === row.change ? [] : [change(row, held)];
    });
    if (changes.length === 0) return;
    this.listener({ customers: changes.flatMap((c) => c.customers), customerUsers: changes.flatMap((c) => c.customerUsers) });
  }

  private time(): string {
    return toZnunyTime(this.now(), this.zone);
  }

  private assertWritable(): void {
    if (!this.capabilities.writableCustomers) {
      throw new ReadOnlyDataSourceError(`Data source '${this.id}' is read-only (set "readOnly": false to write to Znuny's tables)`);
    }
  }

  private async customerIn(tx: ZnunyQuery, customerId: string, forUpdate = false): Promise<CustomerRecord | null> {
    const match = this.db.keyMatch('c.customer_id', [customerId]);
    const rows = await tx.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customer_company c WHERE ${match.sql}${forUpdate ? ' FOR UPDATE' : ''}`, match.params);
    return rows[0] ? this.toCustomer(rows[0]) : null;
  }

  private async userIn(tx: ZnunyQuery, login: string, forUpdate = false): Promise<CustomerUserRecord | null> {
    const match = this.db.keyMatch('u.login', [login]);
    const rows = await tx.query<UserRow>(`SELECT ${this.userColumns()} FROM customer_user u WHERE ${match.sql}${forUpdate ? ' FOR UPDATE' : ''}`, match.params);
    return rows[0] ? this.toCustomerUser(rows[0]) : null;
  }

  /** CONFLICT when another customer has the CustomerID (ignoring case) or the name, as Znuny's unique keys have it. */
  private async assertCustomerFree(tx: ZnunyQuery, customerId: string, name: string, self: string | null): Promise<void> {
    const s = new Sql();
    const id = s.take(this.db.keyMatch('c.customer_id', [customerId]));
    const named = s.take(this.db.keyMatch('c.name', [name]));
    const rows = await tx.query<{ customer_id: string; name: string }>(`SELECT c.customer_id, c.name FROM customer_company c WHERE ${id} OR ${named}`, s.params);
    for (const row of rows) {
      if (self !== null && idKey(row.customer_id) === idKey(self)) continue;
      if (idKey(row.customer_id) === idKey(customerId)) throw new ConflictError(`Customer id '${customerId}' is taken`, 'customerId');
      throw new ConflictError(`A customer named '${name}' exists in data source '${this.id}'`, 'name');
    }
  }

  /** Znuny keeps customer users' e-mail addresses unique (`CustomerUserEmailUniqCheck`, on by default). */
  private async assertEmailFree(tx: ZnunyQuery, email: string, self: string | null): Promise<void> {
    if (!this.options.config.uniqueEmail) return;
    const match = this.db.keyMatch('u.email', [email]);
    const rows = await tx.query<{ login: string }>(`SELECT u.login FROM customer_user u WHERE ${match.sql}`, match.params);
    if (rows.some((r) => self === null || idKey(r.login) !== idKey(self))) {
      throw new ConflictError(`The e-mail address '${email}' belongs to another customer user`, 'email');
    }
  }

  /** A CustomerID rename as Znuny's own: customer users (primary and further ids), tickets (archived too) and dynamic field values move along. */
  private async moveCustomer(tx: ZnunyQuery, oldId: string, newId: string): Promise<void> {
    await tx.query(`UPDATE customer_user SET customer_id = ? WHERE customer_id = ?`, [newId, oldId]);
    await tx.query(`UPDATE customer_user_customer SET customer_id = ? WHERE customer_id = ?`, [newId, oldId]);
    await tx.query(`UPDATE ticket SET customer_id = ? WHERE customer_id = ?`, [newId, oldId]);
    await tx.query(`UPDATE dynamic_field_obj_id_name SET object_name = ? WHERE object_name = ? AND object_type = 'CustomerCompany'`, [newId, oldId]);
  }

  private async writeFurtherIds(tx: ZnunyQuery, login: string, primary: string, further: readonly string[]): Promise<void> {
    const at = this.time();
    const agent = this.options.config.agentId;
    for (const customerId of distinctIds(further).filter((c) => idKey(c) !== idKey(primary))) {
      await tx.query(
        `INSERT INTO customer_user_customer (user_id, customer_id, create_time, create_by, change_time, change_by) VALUES (?, ?, ?, ?, ?, ?)`,
        [login, customerId, at, agent, at, agent],
      );
    }
  }
}

/** Records back in key order (ignoring case), null where none; a key given twice is answered twice. */
function inKeyOrder<T>(keys: readonly string[], records: readonly T[], keyOf: (r: T) => string): (T | null)[] {
  const byKey = new Map<string, T>();
  for (const r of records) if (!byKey.has(idKey(keyOf(r)))) byKey.set(idKey(keyOf(r)), r);
  return keys.map((k) => byKey.get(idKey(k)) ?? null);
}

/** The keys of a patch that were given (undefined: leave as it is). */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Znuny keeps a country as its English name. */
function countryName(code: string | null | undefined): string | null {
  return countryByCode(code)?.name ?? null;
}

type Checked = Record<string, [field: string, value: string | null | undefined]>;

function customerTextColumns(c: Pick<CustomerRecord, 'street' | 'zip' | 'city' | 'url' | 'comment' | 'countryCode'>): Checked {
  return { street: ['street', c.street], zip: ['zip', c.zip], city: ['city', c.city], url: ['url', c.url], comments: ['comment', c.comment], country: ['countryCode', countryName(c.countryCode)] };
}

function userTextColumns(u: Omit<NewCustomerUser, 'login' | 'additionalCustomerIds'>): Checked {
  return {
    email: ['email', u.email], customer_id: ['customerId', u.customerId], title: ['title', u.title], first_name: ['firstName', u.firstName],
    last_name: ['lastName', u.lastName], phone: ['phone', u.phone], mobile: ['mobile', u.mobile], street: ['street', u.street], zip: ['zip', u.zip],
    city: ['city', u.city], comments: ['comment', u.comment], country: ['countryCode', countryName(u.countryCode)],
  };
}

/** BAD_USER_INPUT when a value is wider than Znuny's column (widths read from the database at start). */
function checkWidths(widths: ReadonlyMap<string, number>, table: string, values: Checked): void {
  for (const [column, [field, value]] of Object.entries(values)) {
    const width = widths.get(`${table}.${column}`);
    if (value != null && width !== undefined && [...value].length > width) {
      throw new ValidationError(field, `${field} may have at most ${width} characters in this Znuny database`);
    }
  }
}
