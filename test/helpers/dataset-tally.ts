import type { SeedDataset, SeedWriter } from '../../src/domain/seed-rows';

/** What a generated dataset holds, counted while it is written (no SQL, the same on every engine). */
export interface DatasetTally {
  /** Tickets per customer id. */
  readonly ticketsOfCustomer: Map<string, number>;
  /** Tickets with a customer user, per customer id. */
  readonly ticketsWithUserOfCustomer: Map<string, number>;
  /** Tickets per customer user login. */
  readonly ticketsOfUser: Map<string, number>;
  /** Customer keys with at least one VALID customer user linked. */
  readonly customersWithValidUsers: Set<string>;
}

/** Wraps a seed writer: the rows pass through unchanged and are tallied on the way. */
export function tallyingWriter(writer: SeedWriter): { writer: SeedWriter; tally: DatasetTally } {
  const tally: DatasetTally = {
    ticketsOfCustomer: new Map(),
    ticketsWithUserOfCustomer: new Map(),
    ticketsOfUser: new Map(),
    customersWithValidUsers: new Set(),
  };
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  return {
    tally,
    writer: {
      isEmpty: () => writer.isEmpty(),
      write(dataset: SeedDataset) {
        for (const l of dataset.links) if (l.valid === 'VALID') tally.customersWithValidUsers.add(l.customerKey);
        const source = dataset.tickets;
        function* tickets() {
          for (const t of source) {
            if (t.customerId !== null) add(tally.ticketsOfCustomer, t.customerId);
            if (t.customerId !== null && t.customerUserLogin !== null) add(tally.ticketsWithUserOfCustomer, t.customerId);
            if (t.customerUserLogin !== null) add(tally.ticketsOfUser, t.customerUserLogin);
            yield t;
          }
        }
        return writer.write({ ...dataset, tickets: tickets() });
      },
    },
  };
}
