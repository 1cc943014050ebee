import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { DataSourceUnavailableError } from '../domain/errors';

/**
 * Errors of sources a list left out while the list itself answered (contract addition
 * "degraded"): each missing source is reported once per request as DATA_SOURCE_UNAVAILABLE with
 * `extensions.source`, beside the data of the sources that answered.
 */
export class PartialErrors {
  private readonly bySource = new Map<string, GraphQLFormattedError>();

  /** Records that these sources were left out of the list at `path`. */
  report(failures: readonly DataSourceUnavailableError[], path: readonly (string | number)[]): void {
    for (const f of failures) {
      if (this.bySource.has(f.sourceId)) continue;
      this.bySource.set(f.sourceId, {
        message: `Data source '${f.sourceId}' did not answer; the list holds the records of the other sources`,
        path: [...path],
        extensions: { code: 'DATA_SOURCE_UNAVAILABLE', source: f.sourceId },
      });
    }
  }

  /** The errors to add to the response. */
  get errors(): GraphQLFormattedError[] {
    return [...this.bySource.values()];
  }
}

/** Adds each request's {@link PartialErrors} to its response. */
export const partialErrorsPlugin: ApolloServerPlugin<{ readonly partialErrors: PartialErrors }> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const extra = contextValue.partialErrors.errors;
        if (extra.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.errors = [...(result.errors ?? []), ...extra];
      },
    };
  },
};
