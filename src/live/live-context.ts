import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Caller } from '../auth/caller';
import type { Role } from '../config/config';
import type { TicketScope } from '../domain/ticket-scope';
import type { AppServices, Context } from '../graphql/context';
import type { Loaders } from '../graphql/loaders';
import type { PartialErrors } from '../graphql/partial-errors';
import type { CustomerRecord } from '../domain/records';

/** A push's result, executed once per view in a tick, and its JSON (to tell an unchanged push). */
export interface SharedResult {
  readonly result: ExecutionResult;
  readonly json: string;
}

/**
 * What one push is resolved with: the clock and the loaders of its tick (one set per visibility,
 * shared by every push of that visibility in the tick, so many subscribers of one customer share
 * one load, and subscribers who see other tickets never read from each other's), and the commit
 * time of the write that caused it (null for a clock or resync push).
 */
export interface PushFrame {
  readonly now: Date;
  /** The loaders of this tick for one visibility (by `scopeKey`), made on first use. */
  loadersFor(scope: TicketScope): Loaders;
  readonly partialErrors: PartialErrors;
  readonly committedAt: number | null;
  /**
   * Results of this tick by document, then by view (customer, variables, role, visibility), each
   * with its JSON text: shared by identical subscriptions.
   */
  readonly shared: Map<DocumentNode, Map<string, Promise<SharedResult>>>;
}

/** What a subscription's context asks of the hub that serves it (`LiveHub`). */
export interface LiveSubscriptions {
  /** The frame of subscriptions starting now. */
  subscribeFrame(): PushFrame;
  /** Starts watching customers for a subscription: one push per change of what they show. */
  watch(ctx: LiveContext, customerIds: readonly string[], mode: 'one' | 'many'): Promise<AsyncIterableIterator<CustomerRecord>>;
}

/**
 * The GraphQL context of one subscription. Its clock and loaders are those of the push being
 * resolved (graphql-ws resolves one push of a subscription at a time, and the subscription's
 * iterator switches the frame when it hands out the next push), never the subscribe time's.
 */
export class LiveContext implements Context {
  /** The frame of the push being resolved. */
  frame: PushFrame;
  /**
   * Run by the hub with the watched customers that exist, before the watch starts: records what
   * the subscription would answer for them now (src/live/shared-execution.ts), so that a push
   * equal to it is not sent. Null: nothing is recorded.
   */
  beforeWatch: ((records: readonly CustomerRecord[]) => Promise<void>) | null = null;
  readonly role: Role;
  readonly scope: TicketScope;

  constructor(
    readonly app: AppServices,
    /** The connection's caller, authenticated at `connection_init`. */
    readonly caller: Caller,
    readonly requestId: string,
    /** The hub that serves this connection's subscriptions. */
    readonly live: LiveSubscriptions,
  ) {
    this.role = caller.role;
    this.scope = caller.scope;
    this.frame = live.subscribeFrame();
  }

  get now(): Date {
    return this.frame.now;
  }

  get loaders(): Loaders {
    return this.frame.loadersFor(this.scope);
  }

  get partialErrors(): PartialErrors {
    return this.frame.partialErrors;
  }
}
