import type { CustomerQuery, CustomerUserQuery, CustomerUsersOfCustomerQuery } from '../../src/domain/data-source';
import { customerSearchText, customerUserSearchText, type ListFilter, type ListKind } from '../../src/domain/list-filter';
import { pageOfAll, toPage, type Page, type PageRequest, type SortKey } from '../../src/domain/page';
import { idKey, type CustomerRecord, type CustomerUserRecord } from '../../src/domain/records';
import { collationKey, customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';
import { sameListing, type IndexRow, type ListIndex, type RowFilter } from './list-index';

/** The search text of a list request as the index matches it: folded like the rows' texts. */
export function searchKey(search: string | null): string | null {
  return search ? collationKey(search) : null;
}

/** A customer's index row: ordered by its sort key, found by its customer id and name (folded, as SQL sources match them). */
export function customerRow(r: CustomerRecord, change = ''): IndexRow {
  return {
    stableId: r.stableId,
    key: r.customerId,
    sortKey: customerSortKey(r),
    valid: r.valid,
    customerIds: [],
    text: customerSearchText(r),
    change,
  };
}

/** A customer user's index row: found by login, e-mail and names (folded). */
export function userRow(r: CustomerUserRecord, change = ''): IndexRow {
  return {
    stableId: r.stableId,
    key: r.login,
    sortKey: customerUserSortKey(r),
    valid: r.valid,
    customerIds: r.customerIds.map(idKey),
    text: customerUserSearchText(r),
    change,
  };
}

/** Batched live lookups of the records an index lists. */
export interface IndexLookups {
  customersByIds(keys: readonly string[]): Promise<(CustomerRecord | null)[]>;
  customerUsersByLogins(keys: readonly string[]): Promise<(CustomerUserRecord | null)[]>;
}

/**
 * Lists answered from in-memory indexes of the keys (see {@link ListIndex}): the index picks a
 * page's keys and counts the total, one batched lookup reads the page's records live. Should the
 * lookup show that a record changed its place, validity or customers, or is gone, the index
 * takes that in and the page is picked again, so a page never shows a record outside its
 * window. Shared by the sources whose backend cannot order by the contract's collation.
 */
export class IndexedLists {
  constructor(
    private readonly customers: ListIndex | null,
    private readonly users: ListIndex | null,
    private readonly lookups: IndexLookups,
  ) {}

  async listCustomers(q: CustomerQuery): Promise<Page<CustomerRecord>> {
    const index = this.customers;
    if (!index) return pageOfAll<CustomerRecord>([], q, customerSortKey);
    const filter: RowFilter = { valid: q.valid, search: searchKey(q.search), customerId: null };
    return pageFromIndex(await index.fresh(), q, filter, (keys) => this.lookups.customersByIds(keys), customerRow, customerSortKey);
  }

  async listCustomerUsers(q: CustomerUserQuery): Promise<Page<CustomerUserRecord>> {
    const index = this.users;
    if (!index) return pageOfAll<CustomerUserRecord>([], q, customerUserSortKey);
    const filter: RowFilter = { valid: q.valid, search: searchKey(q.search), customerId: q.customerId === null ? null : idKey(q.customerId) };
    return pageFromIndex(await index.fresh(), q, filter, (keys) => this.lookups.customerUsersByLogins(keys), userRow, customerUserSortKey);
  }

  /**
   * The id keys of every record each filter keeps, from the index alone (no lookup): what the
   * lists of those filters count in their totals (see `DataSource.listedKeys`).
   */
  async listedKeys(kind: ListKind, filters: readonly ListFilter[]): Promise<string[][]> {
    const index = kind === 'customers' ? this.customers : this.users;
    if (!index) return filters.map(() => []);
    await index.fresh();
    const all = { after: null, before: null, size: Number.MAX_SAFE_INTEGER, backward: false };
    return filters.map((f) => {
      const filter: RowFilter = { valid: f.valid, search: searchKey(f.search), customerId: kind === 'customerUsers' && f.customerId !== null ? idKey(f.customerId) : null };
      return index.page(all, filter).rows.map((r) => idKey(r.key));
    });
  }

  /** The pages of many customers with one batched lookup (a page whose rows changed is picked again). */
  async customerUsersOfCustomers(queries: readonly CustomerUsersOfCustomerQuery[]): Promise<Page<CustomerUserRecord>[]> {
    const index = this.users;
    if (!index || queries.length === 0) return queries.map((q) => pageOfAll<CustomerUserRecord>([], q, customerUserSortKey));
    await index.fresh();
    const filterOf = (q: CustomerUsersOfCustomerQuery): RowFilter => ({ valid: q.valid, search: null, customerId: idKey(q.customerId) });
    const keys = queries.flatMap((q) => index.page(q, filterOf(q)).rows.map((r) => r.key));
    const found = keys.length > 0 ? await this.lookups.customerUsersByLogins(keys) : [];
    const lookups = new Map(keys.map((k, i) => [idKey(k), found[i] ?? null] as const));
    const lookup = async (wanted: readonly string[]) => {
      const missing = wanted.filter((k) => !lookups.has(idKey(k)));
      if (missing.length > 0) {
        const more = await this.lookups.customerUsersByLogins(missing);
        missing.forEach((k, i) => lookups.set(idKey(k), more[i] ?? null));
      }
      return wanted.map((k) => lookups.get(idKey(k)) ?? null);
    };
    const pages: Page<CustomerUserRecord>[] = [];
    for (const q of queries) pages.push(await pageFromIndex(index, q, filterOf(q), lookup, userRow, customerUserSortKey));
    return pages;
  }
}

/**
 * A page out of the index, its records read live by one batched lookup. Rows whose record
 * changed how it lists, or vanished, update the index and the page is picked again (twice at
 * most; then the records that still belong in the window are returned).
 */
async function pageFromIndex<R extends CustomerRecord | CustomerUserRecord>(
  index: ListIndex,
  request: PageRequest,
  filter: RowFilter,
  lookup: (keys: readonly string[]) => Promise<(R | null)[]>,
  rowOf: (r: R) => IndexRow,
  sortKey: (r: R) => SortKey,
): Promise<Page<R>> {
  for (let attempt = 0; ; attempt++) {
    const { rows, totalCount } = index.page(request, filter);
    if (rows.length === 0) return toPage<R>([], request, totalCount, sortKey);
    const found = await lookup(rows.map((r) => r.key));
    let changed = false;
    const records: R[] = [];
    rows.forEach((row, i) => {
      const record = found[i] ?? null;
      if (record === null || record.stableId !== row.stableId) {
        index.remove(row.stableId);
        changed = true;
      }
      if (record === null) return;
      const fresh = rowOf(record);
      const held = index.get(record.stableId);
      if (!held || !sameListing(held, fresh)) {
        // A record tells nothing of when its validity changes by time: the held row's instant
        // stays (re-reading then costs nothing wrong), and its change marker, so that the next
        // incremental read still takes the entry in with all it knows.
        index.put({ ...fresh, change: held?.change ?? '', validUntil: held?.validUntil, recheck: held?.recheck });
        changed = true;
      }
      records.push(record);
    });
    if (!changed) return toPage(records, request, totalCount, sortKey);
    if (attempt === 2) {
      const keep = records.filter((r) => {
        const row = rowOf(r);
        return filter.valid.includes(row.valid) && (filter.customerId === null || row.customerIds.includes(filter.customerId)) &&
          (filter.search === null || row.text.includes(filter.search));
      });
      return toPage(keep, request, index.page(request, filter).totalCount, sortKey);
    }
  }
}
