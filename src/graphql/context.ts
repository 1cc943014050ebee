import { unrestrictedCaller, type Caller } from '../auth/caller';
import type { Config, Role } from '../config/config';
import type { DataSource } from '../domain/data-source';
import { NO_TICKETS, type TicketScope } from '../domain/ticket-scope';
import type { TicketStore } from '../domain/tickets';
import type { CustomerService } from '../services/customer-service';
import type { CustomerUserService } from '../services/customer-user-service';
import type { TicketService } from '../services/ticket-service';
import type { DataSourceRegistry } from '../registry/data-source-registry';
import type { EncodingCache } from './execution/encoding-cache';
import { createLoaders, type Loaders } from './loaders';
import { PartialErrors } from './partial-errors';

/** What lives as long as the service: shared by every request's context. */
export interface AppServices {
  readonly config: Config;
  readonly sources: DataSourceRegistry;
  readonly tickets: TicketStore;
  readonly customers: CustomerService;
  readonly customerUsers: CustomerUserService;
  readonly ticketService: TicketService;
  /** The encodings of global ids and cursors, kept for the service's life. */
  readonly encodings: EncodingCache;
}

/** The context of one GraphQL request. Resolvers reach data only through it. */
export interface Context {
  readonly app: AppServices;
  /** The caller's role; null when the request is not authenticated (then nothing executes). */
  readonly role: Role | null;
  /** Who called (for `viewer`); null when the request is not authenticated. */
  readonly caller: Caller | null;
  /** The tickets the caller may see: every ticket read of this request (its loaders) takes it. */
  readonly scope: TicketScope;
  readonly requestId: string;
  /** The request's clock. */
  readonly now: Date;
  readonly loaders: Loaders;
  /** Sources that lists of this request had to leave out (reported beside the data). */
  readonly partialErrors: PartialErrors;
}

/**
 * Builds the context of one request with fresh loaders, for an authenticated caller (a bare
 * role: an unrestricted caller of that role, for in-process execution) or none.
 */
export function createContext(app: AppServices, caller: Caller | Role | null, requestId: string): Context {
  const now = new Date();
  const who = typeof caller === 'string' ? unrestrictedCaller(caller) : caller;
  const scope = who?.scope ?? NO_TICKETS;
  return {
    app,
    role: who?.role ?? null,
    caller: who,
    scope,
    requestId,
    now,
    loaders: createLoaders({ sources: app.sources, tickets: app.tickets, now, batching: app.config.batching, scope }),
    partialErrors: new PartialErrors(),
  };
}

/** True when the caller may write records of this source (for `viewerCanUpdate`). */
export function canWrite(ctx: Context, source: DataSource, object: 'customers' | 'customerUsers'): boolean {
  const writable = object === 'customers' ? source.capabilities.writableCustomers : source.capabilities.writableCustomerUsers;
  return writable && ctx.role === 'agent';
}
