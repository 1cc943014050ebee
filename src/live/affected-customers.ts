import type { Change } from '../domain/change-feed';
import { idKey } from '../domain/records';
import type { DataSourceRegistry } from '../registry/data-source-registry';

/** The customers whose views a change concerns, and the renames it made (old key → new key). */
export interface Affected {
  readonly keys: ReadonlySet<string>;
  readonly renames: ReadonlyMap<string, string>;
}

/**
 * The customer keys a change concerns: the customers written (both ids of a rename), every
 * customer of a customer user written (before and after: a move concerns both), and for a ticket
 * its customers before and after and the customers of its customer users (their widgets show
 * the users' ticket counts), looked up in one registry call when there are any.
 */
export async function affectedCustomers(change: Change, sources: DataSourceRegistry): Promise<Affected> {
  const keys = new Set<string>();
  const renames = new Map<string, string>();
  for (const c of change.customers ?? []) {
    keys.add(idKey(c.after));
    if (c.before !== null) {
      keys.add(idKey(c.before));
      if (idKey(c.before) !== idKey(c.after)) renames.set(idKey(c.before), idKey(c.after));
    }
  }
  for (const u of change.customerUsers ?? []) for (const id of [...u.customerIdsBefore, ...u.customerIdsAfter]) keys.add(idKey(id));
  const logins = new Set<string>();
  for (const t of change.tickets ?? []) {
    for (const owners of [t.before, t.after]) {
      if (owners?.customerId) keys.add(idKey(owners.customerId));
      if (owners?.customerUserLogin) logins.add(owners.customerUserLogin);
    }
  }
  if (logins.size > 0) {
    const users = await sources.customerUsersByLogins([...logins]);
    for (const u of users) if (u && !(u instanceof Error)) for (const id of u.customerIds) keys.add(idKey(id));
  }
  return { keys, renames };
}
