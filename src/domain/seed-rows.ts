/** A customer row of a generated dataset, keys computed (see src/domain/sort-keys.ts). */
export interface CustomerSeedRow {
  readonly customerId: string;
  readonly customerKey: string;
  readonly name: string;
  readonly nameKey: string;
  readonly nameSort: string;
  readonly valid: string;
  readonly street: string | null;
  readonly zip: string | null;
  readonly city: string | null;
  readonly country: string | null;
  readonly url: string | null;
  readonly comment: string | null;
  readonly createdAt: number;
  readonly changedAt: number;
}

/** A customer user row; `id` is its row id (links refer to it). */
export interface CustomerUserSeedRow {
  readonly id: number;
  readonly login: string;
  readonly loginKey: string;
  readonly email: string;
  readonly title: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly firstKey: string;
  readonly lastKey: string;
  readonly phone: string | null;
  readonly mobile: string | null;
  readonly city: string | null;
  readonly valid: string;
  readonly customerId: string;
  readonly customerKey: string;
  readonly createdAt: number;
  readonly changedAt: number;
}

/** One customer id of a user (position 0: the primary one), with the user's sort key and validity. */
export interface CustomerUserLinkSeedRow {
  readonly userId: number;
  readonly customerKey: string;
  readonly customerId: string;
  readonly position: number;
  readonly lastKey: string;
  readonly firstKey: string;
  readonly loginKey: string;
  readonly valid: string;
}

/** A ticket row; `id` is its row id and the counter of its number. */
export interface TicketSeedRow {
  readonly id: number;
  readonly number: string;
  readonly title: string;
  readonly state: string;
  readonly stateType: string;
  readonly isOpen: boolean;
  readonly priority: string;
  readonly queue: string;
  readonly customerId: string | null;
  readonly customerKey: string | null;
  readonly customerUserLogin: string | null;
  readonly customerUserKey: string | null;
  readonly createdAt: number;
  readonly changedAt: number;
  readonly escalationAt: number | null;
  readonly pendingUntil: number | null;
}

/** A generated dataset as rows; tickets are produced lazily (millions of them). */
export interface SeedDataset {
  readonly customers: readonly CustomerSeedRow[];
  readonly users: readonly CustomerUserSeedRow[];
  readonly links: readonly CustomerUserLinkSeedRow[];
  readonly tickets: Iterable<TicketSeedRow>;
}

/** Writes a generated dataset into an empty store, each engine its fastest way (bulk statements, COPY). */
export interface SeedWriter {
  /** True when the store holds no customer yet. */
  isEmpty(): Promise<boolean>;
  /** Inserts every row in one transaction and brings counts, sequences and statistics up to date. */
  write(dataset: SeedDataset): Promise<void>;
}
