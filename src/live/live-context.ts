import type { ExecutionResult } from 'graphql';
import type { Role } from '../config/config';
import type { AppServices, Context } from '../graphql/context';
import type { Loaders } from '../graphql/loaders';
import type { PartialErrors } from '../graphql/partial-errors';
import type { LiveHub } from './live-hub';

/**
 * What one push is resolved with: the clock and the loaders of its tick (shared by every push of
 * that tick, so many subscribers of one customer share one load), and the commit time of the
 * write that caused it (null for a clock or resync push).
 */
export interface PushFrame {
  readonly now: Date;
  readonly loaders: Loaders;
  readonly partialErrors: PartialErrors;
  readonly committedAt: number | null;
  /** Results of this tick by view (customer, document, variables, role), shared by identical subscriptions. */
  readonly shared: Map<string, Promise<ExecutionResult>>;
}

/**
 * The GraphQL context of one subscription. Its clock and loaders are those of the push being
 * resolved (graphql-ws resolves one push of a subscription at a time, and the subscription's
 * iterator switches the frame when it hands out the next push), never the subscribe time's.
 */
export class LiveContext implements Context {
  /** The frame of the push being resolved. */
  frame: PushFrame;

  constructor(
    readonly app: AppServices,
    readonly role: Role,
    readonly requestId: string,
    /** The hub that serves this connection's subscriptions. */
    readonly live: LiveHub,
  ) {
    this.frame = live.subscribeFrame();
  }

  get now(): Date {
    return this.frame.now;
  }

  get loaders(): Loaders {
    return this.frame.loaders;
  }

  get partialErrors(): PartialErrors {
    return this.frame.partialErrors;
  }
}
