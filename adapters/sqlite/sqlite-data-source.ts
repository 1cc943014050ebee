import type {
  CountsOfPage,
  CustomerPage,
  CustomerQuery,
  CustomerUserPage,
  CustomerUserQuery,
  CustomerUsersOfCustomerQuery,
  DataSource,
  DataSourceCapabilities,
  TicketCountsWanted,
} from '../../src/domain/data-source';
import { ConflictError, NotFoundError } from '../../src/domain/errors';
import { toPage, type Page, type PageRequest, type SortKey } from '../../src/domain/page';
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
import { collationKey, customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';
import type { SqliteSourceConfig } from './sqlite-config';
import type { SqliteConnection } from './sqlite-connection';
import { definedOnly, userColumns } from '../sql/sql-rows';
import { keysetSql } from './sqlite-keyset';
import { countColumns, countParams, countsOfValues } from './sqlite-count-columns';
import {
  CUSTOMER_COLUMNS,
  CUSTOMER_USER_COLUMNS,
  CUSTOMER_USER_WIDTH,
  CUSTOMER_WIDTH,
  customerOfValues,
  customerUserOfValues,
  inKeyOrder,
  toCustomer,
  toCustomerUser,
  type CustomerRow,
  type CustomerUserRow,
} from './sqlite-mapper';

/** Options of {@link SqliteDataSource}. */
export interface SqliteDataSourceOptions {
  readonly config: SqliteSourceConfig;
  readonly db: SqliteConnection;
  /**
   * True when the `ticket` table of `db` is the helpdesk's: renames then move tickets in the same
   * transaction, and pages can bring their records' ticket counts (`countsWithPages`).
   */
  readonly holdsTickets: boolean;
  /** Largest page a list may ask for (sizes a constant in the batched statements). */
  readonly maxPageSize: number;
  /** The clock (tests may fix it). */
  readonly now?: () => Date;
}

/** Customers and customer users in a helpdesk SQLite database: readable and writable. */
export class SqliteDataSource implements DataSource {
  readonly kind = 'sqlite';
  readonly capabilities: DataSourceCapabilities;
  readonly id: string;
  readonly name: string;
  private readonly db: SqliteConnection;
  private readonly now: () => Date;
  private readonly limit: number;

  constructor(private readonly options: SqliteDataSourceOptions) {
    this.capabilities = {
      customers: true,
      customerUsers: true,
      writableCustomers: true,
      writableCustomerUsers: true,
      movesTicketsOnRename: options.holdsTickets,
      dynamicFields: false,
      countsWithPages: options.holdsTickets,
    };
    this.id = options.config.id;
    this.name = options.config.name;
    this.db = options.db;
    this.now = options.now ?? (() => new Date());
    this.limit = options.maxPageSize + 1;
  }

  async customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const rows = this.db.all<CustomerRow & { idx: number }>(
      `SELECT k.key AS idx, c.* FROM json_each(?) k JOIN customer c ON c.customer_key = k.value`,
      JSON.stringify(customerIds.map(idKey)),
    );
    return inKeyOrder(customerIds.length, rows, (r) => toCustomer(r, this.id));
  }

  async customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const rows = this.db.all<CustomerRow & { idx: number }>(
      `SELECT k.key AS idx, c.* FROM json_each(?) k JOIN customer c ON c.id = k.value`,
      JSON.stringify(stableIds.map(rowId)),
    );
    return inKeyOrder(stableIds.length, rows, (r) => toCustomer(r, this.id));
  }

  async listCustomers(q: CustomerQuery): Promise<CustomerPage> {
    return this.customerPage(q, null).page;
  }

  async listCustomersWithCounts(q: CustomerQuery, wanted: TicketCountsWanted): Promise<{ page: CustomerPage; counts: CountsOfPage }> {
    return this.customerPage(q, wanted);
  }

  /** A customer page, and with `wanted` its customers' ticket counts read in the same statement (none from a file without the tickets). */
  private customerPage(q: CustomerQuery, wanted: TicketCountsWanted | null): { page: CustomerPage; counts: CountsOfPage } {
    const valid = validityFilter('valid', q.valid);
    const filter = `${valid.sql}${q.search === null ? '' : ' AND (instr(customer_key, @search) > 0 OR instr(name_sort, @folded) > 0)'}`;
    const ks = keysetSql(['name_sort', 'customer_key'], q);
    // Counts asked for with the page, when this file holds the helpdesk's tickets: per row of the
    // page, from the same kept rows as the ticket store's counts statement (under a scope, from
    // the ticket rows with the scope's condition).
    const counts = this.options.holdsTickets ? wanted : null;
    const withCounts = counts ? `, ${countColumns('customer', 'customer.customer_key', counts.escalated, counts.scope)}` : '';
    // The page is read in index order; the total is a range count of the same index.
    // Values in select order: the customer, its key, its counts if asked for, the total last.
    const page = this.windowWithTotal(
      q,
      `SELECT count(*) FROM customer WHERE ${filter}`,
      (total) => `SELECT ${CUSTOMER_COLUMNS}, customer_key${withCounts}${total} FROM customer WHERE ${filter} ${ks.where} ORDER BY ${ks.order()} LIMIT @n`,
      { ...valid.params, ...searchParams(q.search), ...ks.params, n: q.size + 1, ...(counts && countParams(counts.now, counts.escalated, counts.scope)) },
    );
    return pageOfValues(page, q, (r) => customerOfValues(r, this.id), customerSortKey, counts && { at: CUSTOMER_WIDTH, escalated: counts.escalated });
  }

  /**
   * A page's window and its list's total in one statement, the total (`countSql`) last in every
   * row. A first page (no cursor) has its total as an uncorrelated subquery in the window's select
   * list, which SQLite runs once; if its window is empty the list is (the window reads at least one
   * row of any other list). A page after or before a cursor may be empty while its list is not:
   * its window is LEFT JOINed on one row of the total, so an empty window is one row of nulls and
   * the total. (The join copies the window through a materialized table: about a tenth more time
   * for a page of 50, so the first pages, the screens' pages, do without it.)
   */
  private windowWithTotal(q: PageRequest, countSql: string, windowSql: (totalColumn: string) => string, params: Record<string, unknown>): Window {
    if (q.after === null && q.before === null) {
      const rows = this.db.values<unknown[]>(windowSql(`, (${countSql}) AS total`), params);
      return { rows, total: rows.length > 0 ? (rows[0]![rows[0]!.length - 1] as number) : 0 };
    }
    const rows = this.db.values<unknown[]>(`SELECT p.*, (${countSql}) AS total FROM (SELECT 1) LEFT JOIN (${windowSql('')}) p`, params);
    const total = rows.length > 0 ? (rows[0]![rows[0]!.length - 1] as number) : 0;
    // Every record has an id: a null one is the empty window's row.
    return { rows: rows.filter((r) => r[0] !== null), total };
  }

  async customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const rows = this.db.values<unknown[]>(
      `SELECT k.key AS idx, ${CUSTOMER_USER_COLUMNS} FROM json_each(?) k JOIN customer_user u ON u.login_key = k.value`,
      JSON.stringify(logins.map(idKey)),
    );
    return inKeyOrder(logins.length, rows, (r) => customerUserOfValues(r, this.id, 1), (r) => r[0] as number);
  }

  async customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const rows = this.db.all<CustomerUserRow & { idx: number }>(
      `SELECT k.key AS idx, ${CUSTOMER_USER_COLUMNS} FROM json_each(?) k JOIN customer_user u ON u.id = k.value`,
      JSON.stringify(stableIds.map(rowId)),
    );
    return inKeyOrder(stableIds.length, rows, (r) => toCustomerUser(r, this.id));
  }

  async listCustomerUsers(q: CustomerUserQuery): Promise<Page<CustomerUserRecord>> {
    const valid = validityFilter('u.valid', q.valid);
    const filter = `${valid.sql}${
      q.search === null
        ? ''
        : ` AND (instr(u.login_key, @search) > 0 OR instr(lower(u.email), @search) > 0
           OR instr(u.first_key, @folded) > 0 OR instr(u.last_key, @folded) > 0)`}${
      q.customerId === null
        ? ''
        : ' AND EXISTS (SELECT 1 FROM customer_user_customer x WHERE x.user_id = u.id AND x.customer_key = @customer)'}`;
    const ks = keysetSql(['last_key', 'first_key', 'login_key'], q, 'u.');
    // As listCustomers: the page in index order, the total last.
    const page = this.windowWithTotal(
      q,
      `SELECT count(*) FROM customer_user u WHERE ${filter}`,
      (total) => `SELECT ${CUSTOMER_USER_COLUMNS}${total} FROM customer_user u WHERE ${filter} ${ks.where} ORDER BY ${ks.order()} LIMIT @n`,
      {
        ...valid.params,
        ...searchParams(q.search),
        ...(q.customerId === null ? {} : { customer: idKey(q.customerId) }),
        ...ks.params,
        n: q.size + 1,
      },
    );
    return pageOfValues(page, q, (r) => customerUserOfValues(r, this.id), customerUserSortKey, null).page;
  }

  async customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<CustomerUserPage[]> {
    return this.userPages(queries, null).pages;
  }

  async customerUsersOfCustomersWithCounts(
    queries: readonly CustomerUsersOfCustomerQuery[],
    wanted: TicketCountsWanted,
  ): Promise<{ pages: CustomerUserPage[]; counts: CountsOfPage }> {
    return this.userPages(queries, wanted);
  }

  /**
   * The customer user pages of many customers; with `wanted`, the users' ticket counts of a page
   * read alone (the detail view's case) come along. A batch of several pages brings none.
   */
  private userPages(queries: readonly CustomerUsersOfCustomerQuery[], wanted: TicketCountsWanted | null): { pages: CustomerUserPage[]; counts: CountsOfPage } {
    const pages: CustomerUserPage[] = new Array(queries.length);
    let counts = NO_COUNTS;
    // One statement per direction present in the batch (a detail view pages one way: one statement).
    for (const backward of [false, true]) {
      const batch = queries.map((q, i) => ({ q, i })).filter((x) => x.q.backward === backward);
      if (batch.length === 1) {
        const one = this.usersOfOneCustomer(batch[0]!.q, wanted);
        pages[batch[0]!.i] = one.page;
        counts = counts.size === 0 ? one.counts : new Map([...counts, ...one.counts]);
      } else if (batch.length > 1) this.usersOfCustomers(batch, backward).forEach((page, j) => (pages[batch[j]!.i] = page));
    }
    return { pages, counts };
  }

  /**
   * The page of one customer (the detail view's case): a range of customer_user_customer_order
   * in list order and a covering count, without the batch statement's JSON specs and window.
   */
  private usersOfOneCustomer(q: CustomerUsersOfCustomerQuery, wanted: TicketCountsWanted | null): { page: CustomerUserPage; counts: CountsOfPage } {
    const valid = validityFilter('x.valid', q.valid);
    const ks = keysetSql(['last_key', 'first_key', 'login_key'], q, 'x.');
    // The users' counts with the page when asked for and this file holds the tickets (as listCustomers).
    const counts = this.options.holdsTickets ? wanted : null;
    const withCounts = counts ? `, x.login_key, ${countColumns('customerUser', 'x.login_key', counts.escalated, counts.scope)}` : '';
    // Values in select order: the customer user, its key and counts if asked for, the total last.
    const page = this.windowWithTotal(
      q,
      `SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = @c AND ${valid.sql}`,
      (total) => `SELECT ${CUSTOMER_USER_COLUMNS}${withCounts}${total} FROM customer_user_customer x JOIN customer_user u ON u.id = x.user_id
         WHERE x.customer_key = @c AND ${valid.sql} ${ks.where} ORDER BY ${ks.order()} LIMIT @n`,
      { c: idKey(q.customerId), ...valid.params, ...ks.params, n: Math.min(this.limit, q.size + 1), ...(counts && countParams(counts.now, counts.escalated, counts.scope)) },
    );
    return pageOfValues(page, q, (r) => customerUserOfValues(r, this.id), customerUserSortKey, counts && { at: CUSTOMER_USER_WIDTH, escalated: counts.escalated });
  }

  /** The pages of a batch of one direction, each query's total and window in one statement. */
  private usersOfCustomers(batch: readonly { q: CustomerUsersOfCustomerQuery }[], backward: boolean): Page<CustomerUserRecord>[] {
    const specs = JSON.stringify(
      batch.map(({ q }) => ({
        c: idKey(q.customerId),
        v: q.valid,
        a: q.after ?? ['', '', ''],
        b: q.before ?? [OPEN_END, OPEN_END, OPEN_END],
        n: q.size + 1,
      })),
    );
    const dir = backward ? 'DESC' : 'ASC';
    const order = (a: string) => `${a}last_key ${dir}, ${a}first_key ${dir}, ${a}login_key ${dir}`;
    const rows = this.db.all<CustomerUserRow & { idx: number; total: number; login: string | null }>(
      `WITH k AS MATERIALIZED (
         SELECT j.key AS idx, json_extract(j.value, '$.c') AS c, json_extract(j.value, '$.v') AS v,
           json_extract(j.value, '$.a[0]') AS a0, json_extract(j.value, '$.a[1]') AS a1, json_extract(j.value, '$.a[2]') AS a2,
           json_extract(j.value, '$.b[0]') AS b0, json_extract(j.value, '$.b[1]') AS b1, json_extract(j.value, '$.b[2]') AS b2,
           json_extract(j.value, '$.n') AS n,
           (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = json_extract(j.value, '$.c')
              AND x.valid IN (SELECT value FROM json_each(json_extract(j.value, '$.v')))) AS total
         FROM json_each(@specs) AS j),
       p AS (SELECT * FROM (
         SELECT k.idx AS pidx, k.n AS n, ${CUSTOMER_USER_COLUMNS},
           row_number() OVER (PARTITION BY k.idx ORDER BY ${order('u.')}) AS rn
         FROM k JOIN customer_user u ON u.id IN (
           SELECT x.user_id FROM customer_user_customer x
           WHERE x.customer_key = k.c AND x.valid IN (SELECT value FROM json_each(k.v))
             AND (x.last_key, x.first_key, x.login_key) > (k.a0, k.a1, k.a2)
             AND (x.last_key, x.first_key, x.login_key) < (k.b0, k.b1, k.b2)
           ORDER BY ${order('x.')} LIMIT @lim)
       ) WHERE rn <= n)
       SELECT k.idx AS idx, k.total AS total, p.* FROM k LEFT JOIN p ON p.pidx = k.idx ORDER BY k.idx, p.rn`,
      // SQLite refuses a correlated LIMIT: the longest page of the batch bounds every range.
      { specs, lim: Math.min(this.limit, Math.max(...batch.map(({ q }) => q.size + 1))) },
    );
    const grouped = batch.map(() => [] as CustomerUserRecord[]);
    const totals = batch.map(() => 0);
    for (const r of rows) {
      totals[r.idx] = r.total;
      if (r.login !== null) grouped[r.idx]!.push(toCustomerUser(r as CustomerUserRow, this.id));
    }
    return batch.map(({ q }, i) => toPage(grouped[i]!, q, totals[i]!, customerUserSortKey));
  }

  async createCustomer(input: NewCustomer): Promise<CustomerRecord> {
    return this.db.transaction(() => {
      this.assertCustomerFree(input.customerId, input.name, null);
      const now = this.now().getTime();
      this.db.exec(
        `INSERT INTO customer (customer_id, customer_key, name, name_key, name_sort, valid, street, zip, city, country, url, comment, created_at, changed_at)
         VALUES (@customerId, @customerKey, @name, @nameKey, @nameSort, @valid, @street, @zip, @city, @countryCode, @url, @comment, @now, @now)`,
        { ...input, customerKey: idKey(input.customerId), nameKey: input.name.toLowerCase(), nameSort: collationKey(input.name), now },
      );
      return this.customerRow(input.customerId)!;
    });
  }

  async updateCustomer(customerId: string, patch: CustomerPatch): Promise<CustomerRecord> {
    return this.db.transaction(() => {
      const current = this.customerRow(customerId);
      if (!current) throw new NotFoundError(`Customer '${customerId}' does not exist in data source '${this.id}'`);
      const next = { ...current, ...definedOnly(patch) };
      this.assertCustomerFree(next.customerId, next.name, current.customerId);
      this.db.exec(
        `UPDATE customer SET customer_id = @customerId, customer_key = @customerKey, name = @name, name_key = @nameKey, name_sort = @nameSort,
           valid = @valid, street = @street, zip = @zip, city = @city, country = @countryCode, url = @url,
           comment = @comment, changed_at = @now WHERE customer_key = @oldKey`,
        {
          ...next,
          customerKey: idKey(next.customerId),
          nameKey: next.name.toLowerCase(),
          nameSort: collationKey(next.name),
          oldKey: idKey(current.customerId),
          now: Math.max(this.now().getTime(), current.changedAt!.getTime()),
        },
      );
      if (next.customerId !== current.customerId) this.moveCustomerReferences(current.customerId, next.customerId);
      return this.customerRow(next.customerId)!;
    });
  }

  async createCustomerUser(input: NewCustomerUser): Promise<CustomerUserRecord> {
    return this.db.transaction(() => {
      if (this.userId(input.login) !== null) throw new ConflictError(`Login '${input.login}' is taken`, 'login');
      const now = this.now().getTime();
      const result = this.db.exec(
        `INSERT INTO customer_user (login, login_key, email, title, first_name, last_name, first_key, last_key, phone, mobile,
           street, zip, city, country, comment, valid, customer_id, customer_key, created_at, changed_at)
         VALUES (@login, @loginKey, @email, @title, @firstName, @lastName, @firstKey, @lastKey, @phone, @mobile,
           @street, @zip, @city, @countryCode, @comment, @valid, @customerId, @customerKey, @now, @now)`,
        { ...userColumns(input), login: input.login, loginKey: idKey(input.login), now },
      );
      this.writeUserCustomers(Number(result.lastInsertRowid), input);
      return this.userRecord(input.login)!;
    });
  }

  async updateCustomerUser(login: string, patch: CustomerUserPatch): Promise<CustomerUserRecord> {
    return this.db.transaction(() => {
      const current = this.userRecord(login);
      const id = this.userId(login);
      if (!current || id === null) throw new NotFoundError(`Customer user '${login}' does not exist in data source '${this.id}'`);
      const given = definedOnly(patch);
      const customerId = given.customerId ?? current.customerId;
      const additional = (given.additionalCustomerIds ?? current.customerIds.slice(1)).filter(
        (c) => idKey(c) !== idKey(customerId),
      );
      const next = { ...current, ...given, customerId, additionalCustomerIds: additional, countryCode: 'countryCode' in given ? given.countryCode! : current.countryCode };
      this.db.exec(
        `UPDATE customer_user SET email = @email, title = @title, first_name = @firstName, last_name = @lastName,
           first_key = @firstKey, last_key = @lastKey, phone = @phone, mobile = @mobile, street = @street, zip = @zip,
           city = @city, country = @countryCode, comment = @comment, valid = @valid, customer_id = @customerId,
           customer_key = @customerKey, changed_at = @now WHERE id = @id`,
        { ...userColumns(next), id, now: Math.max(this.now().getTime(), current.changedAt!.getTime()) },
      );
      this.db.exec(`DELETE FROM customer_user_customer WHERE user_id = ?`, id);
      this.writeUserCustomers(id, next);
      return this.userRecord(current.login)!;
    });
  }

  async ping(): Promise<void> {
    this.db.get(`SELECT 1`);
  }

  async close(): Promise<void> {
    // The database handle is owned by whoever opened it (it may be shared with the ticket store).
  }

  private customerRow(customerId: string): CustomerRecord | null {
    const row = this.db.get<CustomerRow>(`SELECT * FROM customer WHERE customer_key = ?`, idKey(customerId));
    return row ? toCustomer(row, this.id) : null;
  }

  private userRecord(login: string): CustomerUserRecord | null {
    const row = this.db.get<CustomerUserRow>(`SELECT ${CUSTOMER_USER_COLUMNS} FROM customer_user u WHERE u.login_key = ?`, idKey(login));
    return row ? toCustomerUser(row, this.id) : null;
  }

  private userId(login: string): number | null {
    return this.db.get<{ id: number }>(`SELECT id FROM customer_user WHERE login_key = ?`, idKey(login))?.id ?? null;
  }

  /** Throws CONFLICT when another customer of this source has the id or the name (ignoring case). */
  private assertCustomerFree(customerId: string, name: string, self: string | null): void {
    const selfKey = self === null ? null : idKey(self);
    const taken = this.db.all<{ customer_key: string; name_key: string }>(
      `SELECT customer_key, name_key FROM customer WHERE customer_key = ? OR name_key = ?`,
      idKey(customerId),
      name.toLowerCase(),
    );
    for (const row of taken) {
      if (row.customer_key === selfKey) continue;
      if (row.customer_key === idKey(customerId)) throw new ConflictError(`Customer id '${customerId}' is taken`, 'customerId');
      throw new ConflictError(`A customer named '${name}' exists in data source '${this.id}'`, 'name');
    }
  }

  private moveCustomerReferences(oldId: string, newId: string): void {
    const params = { oldKey: idKey(oldId), newKey: idKey(newId), newId };
    this.db.exec(`UPDATE customer_user_customer SET customer_id = @newId, customer_key = @newKey WHERE customer_key = @oldKey`, params);
    this.db.exec(`UPDATE customer_user SET customer_id = @newId, customer_key = @newKey WHERE customer_key = @oldKey`, params);
    if (this.options.holdsTickets) {
      this.db.exec(`UPDATE ticket SET customer_id = @newId, customer_key = @newKey WHERE customer_key = @oldKey`, params);
    }
  }

  private writeUserCustomers(userId: number, u: Pick<NewCustomerUser, 'customerId' | 'additionalCustomerIds' | 'firstName' | 'lastName' | 'valid'> & { login: string }): void {
    distinctIds([u.customerId, ...u.additionalCustomerIds]).forEach((customerId, position) => {
      this.db.exec(
        `INSERT INTO customer_user_customer (user_id, customer_key, customer_id, position, last_key, first_key, login_key, valid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        userId, idKey(customerId), customerId, position, collationKey(u.lastName), collationKey(u.firstName), idKey(u.login), u.valid,
      );
    });
  }
}


/** Above every collation key: the open upper end of a batched window. */
const OPEN_END = '\u{10FFFF}';

/** The counts of a page read without them. */
const NO_COUNTS: CountsOfPage = new Map();

/** The search parameters: lower-cased for ids, logins and e-mail, collation-folded for names. */
function searchParams(search: string | null): Record<string, string> {
  return search === null ? {} : { search: search.toLowerCase(), folded: collationKey(search) };
}

/**
 * A validity filter specialized by shape: one validity is an equality (an index range of
 * `customer_valid_order`), several an IN list of bound values.
 */
function validityFilter(column: string, valid: readonly string[]): { sql: string; params: Record<string, string> } {
  const params = Object.fromEntries(valid.map((v, i) => [`v${i}`, v]));
  if (valid.length === 1) return { sql: `${column} = @v0`, params };
  return { sql: `${column} IN (${valid.map((_, i) => `@v${i}`).join(', ')})`, params };
}

/** A stable id of this adapter is a row id; anything else matches no row. */
function rowId(stableId: string): number | null {
  return /^[1-9][0-9]{0,15}$/.test(stableId) ? Number(stableId) : null;
}

/** The rows of a page's window as values, and the total of its list. */
interface Window {
  readonly rows: readonly unknown[][];
  readonly total: number;
}

/**
 * A page from its {@link Window}: the record's columns from the first value of each row. With
 * `counts`, the owner's key at `counts.at` and its {@link countColumns} after it.
 */
function pageOfValues<R>(
  { rows, total }: Window,
  q: PageRequest,
  record: (v: readonly unknown[]) => R,
  sortKey: (r: R) => SortKey,
  counts: { at: number; escalated: boolean } | null,
): { page: Page<R>; counts: CountsOfPage } {
  const page = toPage(rows.map(record), q, total, sortKey);
  if (!counts) return { page, counts: NO_COUNTS };
  return { page, counts: new Map(rows.map((r) => [r[counts.at] as string, countsOfValues(r, counts.at + 1, counts.escalated)])) };
}
