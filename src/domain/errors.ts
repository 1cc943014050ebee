/**
 * Domain errors, thrown by adapters and services. The GraphQL edge maps each class to one
 * `extensions.code` (see src/graphql/errors.ts); any other error is masked.
 */
export abstract class DomainError extends Error {
  /** The `extensions.code` a client sees. */
  abstract readonly code: string;
  /** The input field the error is about, when there is one. */
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    if (field !== undefined) this.field = field;
  }
}

/** A record, data source or ticket named by the client does not exist. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** A unique customer id, customer name or login is taken. */
export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** A write was aimed at a read-only data source; nothing was sent to it. */
export class ReadOnlyDataSourceError extends DomainError {
  readonly code = 'READ_ONLY_DATA_SOURCE';
}

/** A backend did not answer in time, refused, or is locked. Retryable. */
export class DataSourceUnavailableError extends DomainError {
  readonly code = 'DATA_SOURCE_UNAVAILABLE';
  constructor(
    /** Id of the source that failed. */
    readonly sourceId: string,
    message = `Data source '${sourceId}' is unavailable`,
    options?: { cause?: unknown },
  ) {
    super(message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** An input failed validation. `field` names the input field. */
export class ValidationError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  declare readonly field: string;
  constructor(field: string, message: string) {
    super(message, field);
  }
}
