import type { CustomerRecord, CustomerUserRecord } from '../../src/domain/records';
import type { TicketRecord } from '../../src/domain/tickets';
import { toCustomer, toCustomerUser as fromRow, toTicket, type CustomerRow, type CustomerUserRow as Row, type TicketRow } from '../sql/sql-rows';

export { inKeyOrder, toCustomer, toTicket, type CustomerRow, type TicketRow } from '../sql/sql-rows';

/** A row of `customer_user` as SQLite returns it: the customer ids as a JSON array. */
export type CustomerUserRow = Omit<Row, 'customer_ids'> & { customer_ids: string };

/**
 * A select list read as arrays of values (SqliteConnection.values) as well as as objects: one list
 * of columns, each `table.column`, `column` or `expression AS field`, in select order. The SQL
 * text, the number of columns and the decoder (value at position `at + i` into the field of column
 * i) all come from that list, so a column added, removed or moved changes the three together.
 */
export class ValueColumns<R> {
  /** The select list, as written. */
  readonly sql: string;
  /** The number of columns (the position after them, for what a statement selects next). */
  readonly width: number;
  /** The row of the values from position `at`. */
  readonly row: (v: readonly unknown[], at?: number) => R;

  constructor(columns: readonly string[]) {
    this.sql = columns.join(', ');
    const fields = columns.map(fieldOf);
    this.width = fields.length;
    const twice = fields.find((f, i) => fields.indexOf(f) !== i);
    if (twice !== undefined) throw new Error(`column ${twice} is selected twice`);
    // Made once from the list: one object literal of all the fields, as a hand-written decoder
    // is (a row built field by field in a loop costs several times more per row). The names are
    // `\w+` (checked by fieldOf), so the source holds nothing but them and positions.
    this.row = new Function('v', 'at = 0', `return { ${fields.map((f, i) => `${f}: v[at + ${i}]`).join(', ')} };`) as (v: readonly unknown[], at?: number) => R;
  }
}

/** The field a column fills: `x AS f` → f, `t.f` → f, `f` → f. */
type FieldOf<C extends string> = C extends `${string} AS ${infer F}` ? FieldOf<F> : C extends `${string}.${infer F}` ? FieldOf<F> : C;

function fieldOf(column: string): string {
  const field = /(?:\s+AS\s+|\.|^)(\w+)$/i.exec(column.trim())?.[1];
  if (field === undefined) throw new Error(`no field name in column ${column}`);
  return field;
}

/**
 * The columns of a row type R: every field of R exactly once (a type error names a field
 * missing or unknown), e.g. `valueColumns<CustomerRow>()(['c.id', ...])`.
 */
export function valueColumns<R>() {
  return <const C extends readonly string[]>(
    columns: C &
      ([Exclude<keyof R & string, FieldOf<C[number]>>] extends [never] ? unknown : { missing: Exclude<keyof R & string, FieldOf<C[number]>> }) &
      ([Exclude<FieldOf<C[number]>, keyof R>] extends [never] ? unknown : { unknown: Exclude<FieldOf<C[number]>, keyof R> }),
  ): ValueColumns<R> => new ValueColumns<R>(columns);
}

/** The columns of a customer, read by {@link toCustomer}. */
const CUSTOMER = valueColumns<CustomerRow>()([
  'id', 'customer_id', 'name', 'valid', 'street', 'zip', 'city', 'country', 'url', 'comment', 'created_at', 'changed_at',
]);

/** The columns of a customer user (alias `u`), with the user's customer ids in position order as JSON. */
const CUSTOMER_USER = valueColumns<CustomerUserRow>()([
  'u.id', 'u.login', 'u.email', 'u.title', 'u.first_name', 'u.last_name', 'u.phone', 'u.mobile',
  'u.street', 'u.zip', 'u.city', 'u.country', 'u.comment', 'u.valid', 'u.customer_id', 'u.created_at', 'u.changed_at',
  `(SELECT json_group_array(customer_id) FROM (SELECT customer_id FROM customer_user_customer x
     WHERE x.user_id = u.id ORDER BY x.position)) AS customer_ids`,
]);

/** The columns of a ticket (alias `t`), read by {@link toTicket}. */
const TICKET = valueColumns<TicketRow>()([
  't.id', 't.number', 't.title', 't.state', 't.state_type', 't.priority', 't.queue', 't.customer_id',
  't.customer_user_login', 't.created_at', 't.changed_at', 't.escalation_at', 't.pending_until',
]);

/** The column list that {@link toCustomer} reads. */
export const CUSTOMER_COLUMNS = CUSTOMER.sql;

/** The column list that {@link toCustomerUser} reads, with the user's customer ids in position order. */
export const CUSTOMER_USER_COLUMNS = CUSTOMER_USER.sql;

/** The columns of a ticket (alias `t`) that {@link ticketOfValues} reads, in its order. */
export const TICKET_COLUMNS = TICKET.sql;

/** Maps a customer user row (customer ids as JSON) to the domain record. */
export function toCustomerUser(row: CustomerUserRow, sourceId: string) {
  return fromRow({ ...row, customer_ids: JSON.parse(row.customer_ids) as string[] }, sourceId);
}

// Rows read as arrays of column values (SqliteConnection.values): the column lists above, in
// their order, from position `at`.

/** The number of columns of {@link CUSTOMER_COLUMNS}. */
export const CUSTOMER_WIDTH = CUSTOMER.width;

/** A customer from the values of {@link CUSTOMER_COLUMNS} at `at`. */
export function customerOfValues(v: readonly unknown[], sourceId: string, at = 0): CustomerRecord {
  return toCustomer(CUSTOMER.row(v, at), sourceId);
}

/** The number of columns of {@link CUSTOMER_USER_COLUMNS}. */
export const CUSTOMER_USER_WIDTH = CUSTOMER_USER.width;

/** A customer user from the values of {@link CUSTOMER_USER_COLUMNS} at `at`. */
export function customerUserOfValues(v: readonly unknown[], sourceId: string, at = 0): CustomerUserRecord {
  return toCustomerUser(CUSTOMER_USER.row(v, at), sourceId);
}

/** A ticket from the values of {@link TICKET_COLUMNS} at `at`. */
export function ticketOfValues(v: readonly unknown[], at = 0): TicketRecord {
  return toTicket(TICKET.row(v, at));
}
