import type { Change, ChangeFeed, FeedEvent } from './change-feed';

/**
 * The change feed of one process (an embedded store: every writer is this process). Listeners
 * run on a later tick, never inside the write that published, and a throwing listener is isolated.
 */
export class InProcessChangeFeed implements ChangeFeed {
  /** See {@link ChangeFeed.publishesInTransaction}: the write services publish after their commits. */
  readonly publishesInTransaction = false;
  private readonly listeners = new Set<(event: FeedEvent) => void>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => {}) {}

  /** See {@link ChangeFeed.publish}. */
  publish(change: Change): void {
    this.emit({ kind: 'change', change });
  }

  /** Delivers an event to every listener (also used by feeds that receive from elsewhere). */
  emit(event: FeedEvent): void {
    if (this.listeners.size === 0) return;
    queueMicrotask(() => {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (e) {
          this.onListenerError(e);
        }
      }
    });
  }

  /** See {@link ChangeFeed.subscribe}. */
  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** See {@link ChangeFeed.close}. */
  async close(): Promise<void> {
    this.listeners.clear();
  }
}
