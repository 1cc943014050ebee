import type { DataSource } from '../../src/domain/data-source';
import { compareKeys, type Page, type PageRequest, type SortKey } from '../../src/domain/page';
import { Validity } from '../../src/domain/records';
import { customerSortKey, customerUserSortKey } from '../../src/domain/sort-keys';

const ALL = [Validity.VALID, Validity.INVALID, Validity.INVALID_TEMPORARILY];

const forward = (size: number, after: SortKey | null = null): PageRequest => ({ size, after, before: null, backward: false });
const backward = (size: number, before: SortKey | null = null): PageRequest => ({ size, after: null, before, backward: true });

/** The pages of a list read from the start (forward) or from the end (backward). */
async function pages<T>(fetch: (request: PageRequest) => Promise<Page<T>>, size: number, direction: 'forward' | 'backward'): Promise<T[][]> {
  const out: T[][] = [];
  let cursor: SortKey | null = null;
  for (let i = 0; i < 100; i++) {
    const page: Page<T> = await fetch(direction === 'forward' ? forward(size, cursor) : backward(size, cursor));
    out.push([...page.nodes]);
    const more = direction === 'forward' ? page.hasNextPage : page.hasPreviousPage;
    if (!more) return out;
    cursor = direction === 'forward' ? page.endKey : page.startKey;
  }
  throw new Error('pagination does not end');
}

/**
 * Backward keyset paging, windows and stable ids: part of the conformance suite of every
 * DataSource adapter (called from `defineDataSourceSuite`).
 */
export function definePagingTests(subject: () => DataSource): void {
  describe('paging both ways and stable ids', () => {
    test('customers: the backward walk is the forward walk reversed, in the same order within each page', async () => {
      const source = subject();
      const fetch = (r: PageRequest) => source.listCustomers({ ...r, search: null, valid: ALL });
      const all = (await fetch(forward(50))).nodes.map((c) => c.customerId);
      expect(all.length).toBeGreaterThanOrEqual(5);
      const fwd = (await pages(fetch, 2, 'forward')).map((p) => p.map((c) => c.customerId));
      const back = (await pages(fetch, 2, 'backward')).map((p) => p.map((c) => c.customerId));
      expect(fwd.flat()).toEqual(all);
      expect(back.slice().reverse().flat()).toEqual(all);
      // The last page read backward holds the last records, in list order.
      expect(back[0]).toEqual(all.slice(-2));
    });

    test('customers: page flags and keys of a backward page', async () => {
      const source = subject();
      const all = await source.listCustomers({ ...forward(50), search: null, valid: ALL });
      const last = all.nodes[all.nodes.length - 1]!;
      const page = await source.listCustomers({ ...backward(2, customerSortKey(last)), search: null, valid: ALL });
      expect(page.nodes.map((c) => c.customerId)).toEqual(all.nodes.slice(-3, -1).map((c) => c.customerId));
      expect(page.hasNextPage).toBe(true);
      expect(page.hasPreviousPage).toBe(all.nodes.length > 3);
      expect(page.startKey).toEqual(customerSortKey(page.nodes[0]!));
      expect(page.endKey).toEqual(customerSortKey(page.nodes[1]!));
      expect(page.totalCount).toBe(all.totalCount);
    });

    test('customers: a window between two cursors, read from either end', async () => {
      const source = subject();
      const all = (await source.listCustomers({ ...forward(50), search: null, valid: ALL })).nodes;
      const after = customerSortKey(all[0]!);
      const before = customerSortKey(all[all.length - 1]!);
      const inner = all.slice(1, -1).map((c) => c.customerId);
      const fromStart = await source.listCustomers({ size: 50, after, before, backward: false, search: null, valid: ALL });
      const fromEnd = await source.listCustomers({ size: 2, after, before, backward: true, search: null, valid: ALL });
      expect(fromStart.nodes.map((c) => c.customerId)).toEqual(inner);
      expect(fromEnd.nodes.map((c) => c.customerId)).toEqual(inner.slice(-2));
    });

    test('customer users: the backward walk is the forward walk reversed', async () => {
      const source = subject();
      const fetch = (r: PageRequest) => source.listCustomerUsers({ ...r, search: null, valid: ALL, customerId: null });
      const all = (await fetch(forward(50))).nodes.map((u) => u.login);
      const back = (await pages(fetch, 3, 'backward')).map((p) => p.map((u) => u.login));
      expect(back.slice().reverse().flat()).toEqual(all);
      const keys = (await fetch(forward(50))).nodes.map(customerUserSortKey);
      expect([...keys].sort(compareKeys)).toEqual(keys);
    });

    test('customer users of customers: backward pages in one batch beside forward ones', async () => {
      const source = subject();
      const forwardAll = await source.customerUsersOfCustomers([{ ...forward(10), customerId: 'ACME', valid: ALL }]);
      const logins = forwardAll[0]!.nodes.map((u) => u.login);
      expect(logins.length).toBeGreaterThanOrEqual(3);
      const [back, fwd] = await source.customerUsersOfCustomers([
        { ...backward(2), customerId: 'acme', valid: ALL },
        { ...forward(2), customerId: 'ACME', valid: ALL },
      ]);
      expect(back!.nodes.map((u) => u.login)).toEqual(logins.slice(-2));
      expect(back!.hasPreviousPage).toBe(true);
      expect(back!.hasNextPage).toBe(false);
      expect(fwd!.nodes.map((u) => u.login)).toEqual(logins.slice(0, 2));
      const [earlier] = await source.customerUsersOfCustomers([{ ...backward(10, back!.startKey), customerId: 'ACME', valid: ALL }]);
      expect(earlier!.nodes.map((u) => u.login)).toEqual(logins.slice(0, -2));
      expect(earlier!.hasPreviousPage).toBe(false);
    });

    test('stable ids: key order, null for unknown or malformed ids, the same record as by customer id', async () => {
      const source = subject();
      // The write tests before this one may have renamed records: take two that are there now.
      const [a, b] = (await source.listCustomers({ ...forward(2), search: null, valid: ALL })).nodes;
      expect(a!.stableId).toEqual(expect.any(String));
      expect(a!.stableId).not.toBe(b!.stableId);
      const found = await source.customersByStableIds([b!.stableId, 'no-such-id', a!.stableId, '']);
      expect(found.map((c) => c?.customerId ?? null)).toEqual([b!.customerId, null, a!.customerId, null]);
      const [user] = (await source.listCustomerUsers({ ...forward(1), search: null, valid: ALL, customerId: null })).nodes;
      const users = await source.customerUsersByStableIds(['x', user!.stableId]);
      expect(users.map((u) => u?.login ?? null)).toEqual([null, user!.login]);
      expect(await source.customersByStableIds([])).toEqual([]);
    });
  });
}
