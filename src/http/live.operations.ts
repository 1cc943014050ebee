import { randomUUID } from 'node:crypto';
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ExecutionArgs } from 'graphql';
import type { App } from '../composition/app';
import type { Caller } from '../auth/caller';
import { formatError } from '../graphql/errors';
import { limitRules, operationCost } from '../graphql/limits';
import { LiveContext } from '../live/live-context';
import type { LiveHub } from '../live/live-hub';

/** A client error of the WebSocket endpoint, with its code. */
export function refused(message: string, code = 'GRAPHQL_VALIDATION_FAILED'): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Errors as clients see them: the same mapping and masking as over HTTP. */
export function formatted(errors: readonly GraphQLError[]) {
  return errors.map((e) => formatError(e.toJSON(), e));
}

/** What a client asked to subscribe to (a graphql-ws `subscribe` payload). */
export interface SubscribePayload {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

/**
 * Admits subscriptions: the query document limits of HTTP (tokens, depth, aliases, cost),
 * subscriptions only, at most `live.maxSubscriptionsPerConnection` per connection. Parsed and
 * validated documents are kept by their text: many subscribers send the same few documents, and
 * sharing one AST lets identical subscriptions share their execution (live/shared-execution.ts).
 */
export function subscriptionGate(app: App, schema: GraphQLSchema, hub: LiveHub) {
  const { live, limits } = app.config;
  const rules = [...specifiedRules, ...limitRules(limits)];
  const documents = new Map<string, DocumentNode | GraphQLError[]>();

  const checkDocument = (query: string): DocumentNode | GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let checked: DocumentNode | GraphQLError[];
    try {
      const document = parse(query, { maxTokens: limits.maxTokens });
      const errors = validate(schema, document, rules);
      checked = errors.length > 0 ? errors.map((e) => refused(e.message)) : document;
    } catch (e) {
      checked = [e instanceof GraphQLError ? refused(e.message, 'GRAPHQL_PARSE_FAILED') : refused('Syntax error', 'GRAPHQL_PARSE_FAILED')];
    }
    if (documents.size >= 200) documents.delete(documents.keys().next().value!);
    documents.set(query, checked);
    return checked;
  };

  /** The execution of one subscription, or the errors that refuse it. */
  return (payload: SubscribePayload, caller: Caller, active: number): ExecutionArgs | GraphQLError[] => {
    if (active > live.maxSubscriptionsPerConnection) {
      return [refused(`At most ${live.maxSubscriptionsPerConnection} subscriptions per connection`, 'BAD_REQUEST')];
    }
    const checked = checkDocument(payload.query);
    if (checked instanceof Array) return checked;
    const operation = getOperationAST(checked, payload.operationName);
    if (!operation) return [refused('Unable to identify the operation')];
    if (operation.operation !== 'subscription') return [refused('Only subscriptions are served over WebSocket; send queries and mutations over HTTP', 'BAD_REQUEST')];
    const variables = payload.variables ?? {};
    if (operationCost(schema, checked, operation, variables, limits.maxPageSize, limits.maxCost) > limits.maxCost) {
      return [refused(`The operation costs more than ${limits.maxCost} (page sizes multiply nested fields)`)];
    }
    const contextValue = new LiveContext(app, caller, randomUUID(), hub);
    return { schema, document: checked, variableValues: variables, operationName: payload.operationName, contextValue };
  };
}
