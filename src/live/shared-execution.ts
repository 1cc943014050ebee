import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { idKey, type CustomerRecord } from '../domain/records';
import { scopeKey } from '../domain/ticket-scope';
import { LiveContext, type SharedResult } from './live-context';

/**
 * graphql-ws's `subscribe`: the subscription's event stream, each event resolved with the
 * subscription's own selection. Subscriptions of one tick with the same document, variables,
 * role, visibility (`scopeKey`) and customer share one execution (their results are identical):
 * a tick costs one execution per distinct view, however many subscribers watch it, and callers
 * who see different tickets never share one. A push whose answer equals the subscription's last
 * answer for that customer (its last push, or what it answered when its watch started) is not
 * sent: a change the caller cannot see (a ticket outside its queues) reaches it neither as data
 * nor as an event.
 */
export async function subscribeShared(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const ctx = args.contextValue;
  const view = ctx instanceof LiveContext ? `${ctx.role}\n${scopeKey(ctx.scope)}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}` : null;
  const resolve = async (record: CustomerRecord): Promise<SharedResult> => {
    const run = async (): Promise<SharedResult> => {
      const result = await execute({ ...args, rootValue: record });
      return { result, json: JSON.stringify(result) };
    };
    if (!(ctx instanceof LiveContext) || view === null) return run();
    let ofDocument = ctx.frame.shared.get(args.document);
    if (!ofDocument) ctx.frame.shared.set(args.document, (ofDocument = new Map()));
    const key = `${idKey(record.customerId)}\n${view}`;
    let shared = ofDocument.get(key);
    if (!shared) ofDocument.set(key, (shared = run()));
    return shared;
  };
  // The JSON of the last answer of each customer (a list page's subscription watches several):
  // what the subscription answered when its watch started, then its last push.
  const last = new Map<string, string>();
  if (ctx instanceof LiveContext && view !== null) {
    ctx.beforeWatch = async (records) => {
      await Promise.all(records.map(async (r) => last.set(idKey(r.customerId), (await resolve(r)).json)));
    };
  }
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream as ExecutionResult;
  const events = stream as AsyncIterableIterator<CustomerRecord>;
  // An async generator's shape (next, return, throw): graphql-ws calls `return` when the client completes or leaves.
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      for (;;) {
        const n = await events.next();
        if (n.done) return { value: undefined, done: true };
        const { result, json } = await resolve(n.value);
        const key = idKey(n.value.customerId);
        if (last.get(key) === json) continue;
        last.set(key, json);
        return { value: result, done: false };
      }
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
