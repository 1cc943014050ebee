/**
 * What one committed write changed, as far as live screens care: which customers, customer users
 * and tickets, with the owners before and after (a move or a rename concerns both sides).
 * Ids are spelled as the records spell them; subscribers compare them with `idKey`.
 */
export interface Change {
  /** A customer created or changed; `before` differs from `after` on a rename (null: created). */
  readonly customers?: readonly { readonly before: string | null; readonly after: string }[];
  /** A customer user created or changed, with its customer ids before (empty: created) and after. */
  readonly customerUsers?: readonly {
    readonly login: string;
    readonly customerIdsBefore: readonly string[];
    readonly customerIdsAfter: readonly string[];
  }[];
  /** A ticket created or changed, with its owners before (null: created or none) and after. */
  readonly tickets?: readonly {
    readonly number: string;
    readonly before: TicketOwners | null;
    readonly after: TicketOwners;
  }[];
  /** When the write committed (epoch ms), for the write-to-push latency. */
  readonly committedAt: number;
}

/** The owners of a ticket at one moment. */
export interface TicketOwners {
  readonly customerId: string | null;
  readonly customerUserLogin: string | null;
}

/**
 * What a subscriber of the feed hears: a change, or `resync` after the feed may have missed
 * changes (a lost database connection came back): every live view is then pushed once.
 */
export type FeedEvent = { readonly kind: 'change'; readonly change: Change } | { readonly kind: 'resync' };

/**
 * The change feed: write services publish each committed change once, after the commit; live
 * subscriptions listen. In process for an embedded store; across processes for a shared database.
 */
export interface ChangeFeed {
  /**
   * Capability: the store sends every change itself, inside the writing transaction (delivered
   * on commit, never for a rollback), so write services do not publish; `publish` is a no-op.
   * False for a feed that hears only what the services publish after their writes.
   */
  readonly publishesInTransaction: boolean;
  /** Publishes a committed change; never throws into the write that caused it. */
  publish(change: Change): void;
  /** Listens to every change (of any process sharing the store); returns the unsubscribe function. */
  subscribe(listener: (event: FeedEvent) => void): () => void;
  /** Stops listening to the store (a no-op in process). */
  close(): Promise<void>;
}

/** What a write service needs of the feed: publishes a change unless the store sent it in its transaction. */
export function publishCommitted(feed: Pick<ChangeFeed, 'publish' | 'publishesInTransaction'>, change: () => Change): void {
  if (!feed.publishesInTransaction) feed.publish(change());
}

/** A feed nobody listens to (services built without live screens). */
export const SILENT_FEED: Pick<ChangeFeed, 'publish' | 'publishesInTransaction'> = { publishesInTransaction: false, publish() {} };
