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
import type { HelpdeskSourceConfig } from '../../src/domain/helpdesk-store';
import { compareKeys, toPage, type Page, type SortKey } from '../../src/domain/page';
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
import type { TicketCounts } from '../../src/domain/tickets';
import { definedOnly, userColumns } from '../sql/sql-rows';
import { jsonParam, type PostgresConnection, type Tx } from './postgres-connection';
import { keysetSql, Params } from './postgres-keyset';
import { countColumns, countsOfColumns, type CountColumns } from './postgres-count-columns';
import { CUSTOMER_USER_COLUMNS, inKeyOrder, toCustomer, toCustomerUser, type CustomerRow, type CustomerUserRow } from './postgres-mapper';

/** Options of {@link PostgresDataSource}. */
export interface PostgresDataSourceOptions {
  readonly config: HelpdeskSourceConfig;
  readonly db: PostgresConnection;
  readonly maxPageSize: number;
  readonly now?: () => Date;
}

/** Above every collation key: the open upper end of a batched window. */
const OPEN_END = '\u{10FFFF}';

/** The counts of a page read without them. */
const NO_COUNTS: CountsOfPage = new Map();

/**
 * Customers and customer users in a helpdesk PostgreSQL database: readable and writable. Keys of
 * a batch are bound as one array or JSON parameter, so a batch is one statement whatever its size.
 */
export class PostgresDataSource implements DataSource {
  readonly kind = 'postgres';
  readonly capabilities: DataSourceCapabilities = {
    customers: true,
    customerUsers: true,
    writableCustomers: true,
    writableCustomerUsers: true,
    movesTicketsOnRename: true,
    dynamicFields: false,
    countsWithPages: true,
  };
  readonly id: string;
  readonly name: string;
  private readonly db: PostgresConnection;
  private readonly now: () => Date;
  private readonly limit: number;

  constructor(options: PostgresDataSourceOptions) {
    this.id = options.config.id;
    this.name = options.config.name;
    this.db = options.db;
    this.now = options.now ?? (() => new Date());
    this.limit = options.maxPageSize + 1;
  }

  async customersByIds(customerIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const rows = await this.db.query<CustomerRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, c.* FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN customer c ON c.customer_key = k.key`,
      [customerIds.map(idKey)],
    );
    return inKeyOrder(customerIds.length, rows, (r) => toCustomer(r, this.id));
  }

  async customersByStableIds(stableIds: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const rows = await this.db.query<CustomerRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, c.* FROM unnest($1::bigint[]) WITH ORDINALITY AS k(key, idx) JOIN customer c ON c.id = k.key`,
      [stableIds.map(rowId)],
    );
    return inKeyOrder(stableIds.length, rows, (r) => toCustomer(r, this.id));
  }

  async listCustomers(q: CustomerQuery): Promise<CustomerPage> {
    return (await this.customerPage(q, null)).page;
  }

  listCustomersWithCounts(q: CustomerQuery, wanted: TicketCountsWanted): Promise<{ page: CustomerPage; counts: CountsOfPage }> {
    return this.customerPage(q, wanted);
  }

  /** A customer page, and with `wanted` its customers' ticket counts read in the same statement (else none). */
  private async customerPage(q: CustomerQuery, wanted: TicketCountsWanted | null): Promise<{ page: CustomerPage; counts: CountsOfPage }> {
    const p = new Params();
    const valid = p.add(q.valid);
    const filter = `valid = ANY(${valid}::text[])${
      q.search === null ? '' : ` AND (strpos(customer_key, ${p.add(q.search.toLowerCase())}) > 0 OR strpos(name_sort, ${p.add(collationKey(q.search))}) > 0)`}`;
    // Without search the total is the kept count per validity (customer_count), not a count of the table.
    const total =
      q.search === null
        ? `SELECT coalesce(sum(n), 0) FROM customer_count WHERE valid = ANY(${valid}::text[])`
        : `SELECT count(*) FROM customer WHERE ${filter}`;
    const ks = keysetSql(['name_sort', 'customer_key'], q, p);
    // Counts asked for with the page: per row of the page, from the kept counts (the ticket store's sums).
    const withCounts = wanted ? `, ${countColumns('customer', 'customer.customer_key', wanted.escalated ? wanted.now : null, (v) => p.add(v), wanted.scope)}` : '';
    // One row for the total (an InitPlan) joined to the page read in index order under its LIMIT: an
    // empty window still returns the total. No ORDER BY above the join (it would sort the page again):
    // a nested loop over one outer row returns the inner rows in their order, and the rows are checked.
    const rows = await this.db.query<CustomerRow & CountColumns & { total: number; customer_key: string | null }>(
      `SELECT (${total}) AS total, w.* FROM (SELECT 1) o LEFT JOIN LATERAL (
         SELECT customer.*${withCounts} FROM customer WHERE ${filter} ${ks.where} ORDER BY ${ks.order()} LIMIT ${p.add(q.size + 1)}
       ) w ON true`,
      p.values,
    );
    const count = rows[0]?.total ?? 0;
    const listed = rows.filter((r) => r.customer_key !== null);
    const records = inFetchOrder(
      listed.map((r) => toCustomer(r, this.id)),
      customerSortKey,
      q.backward,
    );
    const page = toPage(records, q, count, customerSortKey);
    return { page, counts: wanted ? new Map(listed.map((r) => [r.customer_key!, countsOfColumns(r, wanted.escalated)])) : NO_COUNTS };
  }

  async customerUsersByLogins(logins: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const rows = await this.db.query<CustomerUserRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, ${CUSTOMER_USER_COLUMNS} FROM unnest($1::text[]) WITH ORDINALITY AS k(key, idx) JOIN customer_user u ON u.login_key = k.key`,
      [logins.map(idKey)],
    );
    return inKeyOrder(logins.length, rows, (r) => toCustomerUser(r, this.id));
  }

  async customerUsersByStableIds(stableIds: readonly string[]): Promise<(CustomerUserRecord | null)[]> {
    const rows = await this.db.query<CustomerUserRow & { idx: number }>(
      `SELECT k.idx - 1 AS idx, ${CUSTOMER_USER_COLUMNS} FROM unnest($1::bigint[]) WITH ORDINALITY AS k(key, idx) JOIN customer_user u ON u.id = k.key`,
      [stableIds.map(rowId)],
    );
    return inKeyOrder(stableIds.length, rows, (r) => toCustomerUser(r, this.id));
  }

  async listCustomerUsers(q: CustomerUserQuery): Promise<Page<CustomerUserRecord>> {
    const p = new Params();
    let filter = `u.valid = ANY(${p.add(q.valid)}::text[])`;
    if (q.search !== null) {
      const s = p.add(q.search.toLowerCase());
      const f = p.add(collationKey(q.search));
      filter += ` AND (strpos(u.login_key, ${s}) > 0 OR strpos(lower(u.email), ${s}) > 0 OR strpos(u.first_key, ${f}) > 0 OR strpos(u.last_key, ${f}) > 0)`;
    }
    if (q.customerId !== null) {
      filter += ` AND EXISTS (SELECT 1 FROM customer_user_customer x WHERE x.user_id = u.id AND x.customer_key = ${p.add(idKey(q.customerId))})`;
    }
    const ks = keysetSql(['last_key', 'first_key', 'login_key'], q, p, 'u.');
    const rows = await this.db.query<CustomerUserRow & { total: number; login_key: string | null }>(
      `SELECT (SELECT count(*) FROM customer_user u WHERE ${filter}) AS total, w.* FROM (SELECT 1) o LEFT JOIN LATERAL (
         SELECT ${CUSTOMER_USER_COLUMNS}, u.last_key, u.first_key, u.login_key FROM customer_user u
         WHERE ${filter} ${ks.where} ORDER BY ${ks.order()} LIMIT ${p.add(q.size + 1)}
       ) w ON true ORDER BY ${ks.order('w.')}`,
      p.values,
    );
    const total = rows[0]?.total ?? 0;
    const records = rows.filter((r) => r.login_key !== null).map((r) => toCustomerUser(r, this.id));
    return toPage(records, q, total, customerUserSortKey);
  }

  async customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<CustomerUserPage[]> {
    return (await this.userPages(queries, null)).pages;
  }

  customerUsersOfCustomersWithCounts(
    queries: readonly CustomerUsersOfCustomerQuery[],
    wanted: TicketCountsWanted,
  ): Promise<{ pages: CustomerUserPage[]; counts: CountsOfPage }> {
    return this.userPages(queries, wanted);
  }

  /** The customer user pages of many customers, and with `wanted` their users' ticket counts in the same statements. */
  private async userPages(queries: readonly CustomerUsersOfCustomerQuery[], wanted: TicketCountsWanted | null): Promise<{ pages: CustomerUserPage[]; counts: CountsOfPage }> {
    const pages: CustomerUserPage[] = new Array(queries.length);
    const counts = new Map<string, TicketCounts>();
    // One statement per direction present in the batch (a detail view pages one way: one statement).
    for (const backward of [false, true]) {
      const batch = queries.map((q, i) => ({ q, i })).filter((x) => x.q.backward === backward);
      if (batch.length === 0) continue;
      const read = await this.usersOfCustomers(batch, backward, wanted);
      read.pages.forEach((page, j) => (pages[batch[j]!.i] = page));
      for (const [key, c] of read.counts) counts.set(key, c);
    }
    return { pages, counts };
  }

  /**
   * The pages of a batch of one direction: each query's total and window in one statement (a
   * LATERAL per key), with `wanted` the users' ticket counts in the same statement.
   */
  private async usersOfCustomers(
    batch: readonly { q: CustomerUsersOfCustomerQuery }[],
    backward: boolean,
    wanted: TicketCountsWanted | null,
  ): Promise<{ pages: CustomerUserPage[]; counts: Map<string, TicketCounts> }> {
    const specs = batch.map(({ q }, idx) => ({
      idx,
      c: idKey(q.customerId),
      v: q.valid,
      a0: q.after?.[0] ?? '', a1: q.after?.[1] ?? '', a2: q.after?.[2] ?? '',
      b0: q.before?.[0] ?? OPEN_END, b1: q.before?.[1] ?? OPEN_END, b2: q.before?.[2] ?? OPEN_END,
      n: Math.min(this.limit, q.size + 1),
    }));
    const dir = backward ? 'DESC' : 'ASC';
    const order = (a: string) => `${a}last_key ${dir}, ${a}first_key ${dir}, ${a}login_key ${dir}`;
    // The users' counts with the pages when wanted.
    const params: unknown[] = [jsonParam(specs)];
    const withCounts = wanted ? `, ${countColumns('customerUser', 'x.login_key', wanted.escalated ? wanted.now : null, (v) => `$${params.push(v)}`, wanted.scope)}` : '';
    const rows = await this.db.query<CustomerUserRow & CountColumns & { idx: number; total: number; login: string | null; s2: string }>(
      `WITH k AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS k(idx int, c text, v text[], a0 text, a1 text, a2 text, b0 text, b1 text, b2 text, n int))
       SELECT k.idx, (SELECT count(*) FROM customer_user_customer x WHERE x.customer_key = k.c AND x.valid = ANY(k.v)) AS total, w.*
       FROM k LEFT JOIN LATERAL (
         SELECT ${CUSTOMER_USER_COLUMNS}, x.last_key AS s0, x.first_key AS s1, x.login_key AS s2${withCounts}
         FROM (SELECT x.* FROM customer_user_customer x
               WHERE x.customer_key = k.c AND x.valid = ANY(k.v)
                 AND (x.last_key, x.first_key, x.login_key) > (k.a0, k.a1, k.a2)
                 AND (x.last_key, x.first_key, x.login_key) < (k.b0, k.b1, k.b2)
               ORDER BY ${order('x.')} LIMIT k.n) x
         JOIN customer_user u ON u.id = x.user_id
       ) w ON true
       ORDER BY k.idx, w.s0 ${dir}, w.s1 ${dir}, w.s2 ${dir}`,
      params,
    );
    const grouped = batch.map(() => [] as CustomerUserRecord[]);
    const totals = batch.map(() => 0);
    const counts = new Map<string, TicketCounts>();
    for (const r of rows) {
      totals[r.idx] = r.total;
      if (r.login === null) continue;
      grouped[r.idx]!.push(toCustomerUser(r as CustomerUserRow, this.id));
      if (wanted) counts.set(r.s2, countsOfColumns(r, wanted.escalated));
    }
    return { pages: batch.map(({ q }, i) => toPage(grouped[i]!, q, totals[i]!, customerUserSortKey)), counts };
  }

  async createCustomer(input: NewCustomer): Promise<CustomerRecord> {
    return this.db.transaction(async (tx) => {
      await this.assertCustomerFree(tx, input.customerId, input.name, null);
      const now = this.now().getTime();
      const [row] = await tx.query<CustomerRow>(
        `INSERT INTO customer (customer_id, customer_key, name, name_key, name_sort, valid, street, zip, city, country, url, comment, created_at, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING *`,
        [input.customerId, idKey(input.customerId), input.name, input.name.toLowerCase(), collationKey(input.name), input.valid,
          input.street, input.zip, input.city, input.countryCode, input.url, input.comment, now],
      );
      return toCustomer(row!, this.id);
    });
  }

  async updateCustomer(customerId: string, patch: CustomerPatch): Promise<CustomerRecord> {
    return this.db.transaction(async (tx) => {
      // FOR UPDATE: a concurrent change of this customer waits, then this one sees its result.
      const [currentRow] = await tx.query<CustomerRow>(`SELECT * FROM customer WHERE customer_key = $1 FOR UPDATE`, [idKey(customerId)]);
      if (!currentRow) throw new NotFoundError(`Customer '${customerId}' does not exist in data source '${this.id}'`);
      const current = toCustomer(currentRow, this.id);
      const next = { ...current, ...definedOnly(patch) };
      await this.assertCustomerFree(tx, next.customerId, next.name, current.customerId);
      const [row] = await tx.query<CustomerRow>(
        `UPDATE customer SET customer_id = $1, customer_key = $2, name = $3, name_key = $4, name_sort = $5, valid = $6, street = $7,
           zip = $8, city = $9, country = $10, url = $11, comment = $12, changed_at = $13 WHERE id = $14 RETURNING *`,
        [next.customerId, idKey(next.customerId), next.name, next.name.toLowerCase(), collationKey(next.name), next.valid, next.street,
          next.zip, next.city, next.countryCode, next.url, next.comment, Math.max(this.now().getTime(), current.changedAt!.getTime()), currentRow.id],
      );
      if (idKey(next.customerId) !== idKey(current.customerId) || next.customerId !== current.customerId) {
        const params = [idKey(current.customerId), idKey(next.customerId), next.customerId];
        await tx.query(`UPDATE customer_user_customer SET customer_id = $3, customer_key = $2 WHERE customer_key = $1`, params);
        await tx.query(`UPDATE customer_user SET customer_id = $3, customer_key = $2 WHERE customer_key = $1`, params);
        await tx.query(`UPDATE ticket SET customer_id = $3, customer_key = $2 WHERE customer_key = $1`, params);
      }
      return toCustomer(row!, this.id);
    });
  }

  async createCustomerUser(input: NewCustomerUser): Promise<CustomerUserRecord> {
    return this.db.transaction(async (tx) => {
      const taken = await tx.query(`SELECT 1 FROM customer_user WHERE login_key = $1`, [idKey(input.login)]);
      if (taken.length > 0) throw new ConflictError(`Login '${input.login}' is taken`, 'login');
      const now = this.now().getTime();
      const c = userColumns(input);
      const [{ id }] = (await tx.query<{ id: number }>(
        `INSERT INTO customer_user (login, login_key, email, title, first_name, last_name, first_key, last_key, phone, mobile,
           street, zip, city, country, comment, valid, customer_id, customer_key, created_at, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19) RETURNING id`,
        [input.login, idKey(input.login), c.email, c.title, c.firstName, c.lastName, c.firstKey, c.lastKey, c.phone, c.mobile,
          c.street, c.zip, c.city, c.countryCode, c.comment, c.valid, c.customerId, c.customerKey, now],
      )) as [{ id: number }];
      await this.writeUserCustomers(tx, id, input);
      return (await this.userRecord(tx, input.login))!;
    });
  }

  async updateCustomerUser(login: string, patch: CustomerUserPatch): Promise<CustomerUserRecord> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.query<{ id: number }>(`SELECT id FROM customer_user WHERE login_key = $1 FOR UPDATE`, [idKey(login)]);
      const current = locked ? await this.userRecord(tx, login) : null;
      if (!current || !locked) throw new NotFoundError(`Customer user '${login}' does not exist in data source '${this.id}'`);
      const given = definedOnly(patch);
      const customerId = given.customerId ?? current.customerId;
      const additional = (given.additionalCustomerIds ?? current.customerIds.slice(1)).filter((c) => idKey(c) !== idKey(customerId));
      const next = { ...current, ...given, customerId, additionalCustomerIds: additional, countryCode: 'countryCode' in given ? given.countryCode! : current.countryCode };
      const c = userColumns(next);
      await tx.query(
        `UPDATE customer_user SET email = $1, title = $2, first_name = $3, last_name = $4, first_key = $5, last_key = $6, phone = $7,
           mobile = $8, street = $9, zip = $10, city = $11, country = $12, comment = $13, valid = $14, customer_id = $15,
           customer_key = $16, changed_at = $17 WHERE id = $18`,
        [c.email, c.title, c.firstName, c.lastName, c.firstKey, c.lastKey, c.phone, c.mobile, c.street, c.zip, c.city, c.countryCode,
          c.comment, c.valid, c.customerId, c.customerKey, Math.max(this.now().getTime(), current.changedAt!.getTime()), locked.id],
      );
      await tx.query(`DELETE FROM customer_user_customer WHERE user_id = $1`, [locked.id]);
      await this.writeUserCustomers(tx, locked.id, next);
      return (await this.userRecord(tx, current.login))!;
    });
  }

  async ping(): Promise<void> {
    await this.db.query(`SELECT 1`);
  }

  async close(): Promise<void> {
    // The pool is owned by the store (shared with the ticket store).
  }

  private async userRecord(tx: Tx, login: string): Promise<CustomerUserRecord | null> {
    const [row] = await tx.query<CustomerUserRow>(`SELECT ${CUSTOMER_USER_COLUMNS} FROM customer_user u WHERE u.login_key = $1`, [idKey(login)]);
    return row ? toCustomerUser(row, this.id) : null;
  }

  /** Throws CONFLICT when another customer has the id or the name (ignoring case); the unique constraints decide races. */
  private async assertCustomerFree(tx: Tx, customerId: string, name: string, self: string | null): Promise<void> {
    const selfKey = self === null ? null : idKey(self);
    const taken = await tx.query<{ customer_key: string }>(
      `SELECT customer_key FROM customer WHERE customer_key = $1 OR name_key = $2`,
      [idKey(customerId), name.toLowerCase()],
    );
    for (const row of taken) {
      if (row.customer_key === selfKey) continue;
      if (row.customer_key === idKey(customerId)) throw new ConflictError(`Customer id '${customerId}' is taken`, 'customerId');
      throw new ConflictError(`A customer named '${name}' exists in data source '${this.id}'`, 'name');
    }
  }

  /** Every customer id of a user in one statement (arrays bound as parameters). */
  private async writeUserCustomers(
    tx: Tx,
    userId: number,
    u: Pick<NewCustomerUser, 'customerId' | 'additionalCustomerIds' | 'firstName' | 'lastName' | 'valid'> & { login: string },
  ): Promise<void> {
    const ids = distinctIds([u.customerId, ...u.additionalCustomerIds]);
    await tx.query(
      `INSERT INTO customer_user_customer (user_id, customer_key, customer_id, position, last_key, first_key, login_key, valid)
       SELECT $1, k.key, k.id, k.pos - 1, $3, $4, $5, $6 FROM unnest($2::text[], $7::text[]) WITH ORDINALITY AS k(id, key, pos)`,
      [userId, ids, collationKey(u.lastName), collationKey(u.firstName), idKey(u.login), u.valid, ids.map(idKey)],
    );
  }
}


/**
 * The rows in fetch order (ascending forward, descending backward): returned as they are when they
 * already are (one pass), sorted otherwise, so a plan that returns them differently changes no page.
 */
function inFetchOrder<T>(rows: T[], key: (t: T) => SortKey, backward: boolean): T[] {
  const sign = backward ? -1 : 1;
  const keys = rows.map(key);
  for (let i = 1; i < keys.length; i++) {
    if (sign * compareKeys(keys[i - 1]!, keys[i]!) > 0) return rows.sort((x, y) => sign * compareKeys(key(x), key(y)));
  }
  return rows;
}

/** A stable id of this adapter is a row id; anything else matches no row. */
function rowId(stableId: string): number | null {
  return /^[1-9][0-9]{0,15}$/.test(stableId) ? Number(stableId) : null;
}
