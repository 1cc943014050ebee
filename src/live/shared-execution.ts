import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { idKey, type CustomerRecord } from '../domain/records';
import { scopeKey } from '../domain/ticket-scope';
import { LiveContext } from './live-context';

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/** An id per document object (the WebSocket server hands out one object per document text). */
function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = ++nextDocumentId));
  return id;
}

/**
 * graphql-ws's `subscribe`: the subscription's event stream, each event resolved with the
 * subscription's own selection. Subscriptions of one tick with the same document, variables,
 * role, visibility (`scopeKey`) and customer share one execution (their results are identical):
 * a tick costs one execution per distinct view, however many subscribers watch it, and callers
 * who see different tickets never share one.
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const events = stream as AsyncIterableIterator<CustomerRecord>;
  const ctx = args.contextValue;
  const view = ctx instanceof LiveContext ? `${ctx.role}\n${scopeKey(ctx.scope)}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${documentId(args.document)}` : null;
  const resolve = (record: CustomerRecord): Promise<ExecutionResult> | ExecutionResult => {
    const run = () => execute({ ...args, rootValue: record });
    if (!(ctx instanceof LiveContext) || view === null) return run();
    const key = `${idKey(record.customerId)}\n${view}`;
    let shared = ctx.frame.shared.get(key);
    if (!shared) ctx.frame.shared.set(key, (shared = Promise.resolve(run())));
    return shared;
  };
  // An async generator's shape (next, return, throw): graphql-ws calls `return` when the client completes or leaves.
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const n = await events.next();
      return n.done ? { value: undefined, done: true } : { value: await resolve(n.value), done: false };
    },
    async return() {
      await events.return?.();
      return { value: undefined, done: true };
    },
    async throw(e: unknown) {
      await events.return?.();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
