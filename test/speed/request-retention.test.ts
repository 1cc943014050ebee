import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compiledExecutionGateway } from '../../src/graphql/executor';

// A finished request must be garbage for the next scavenge. Apollo's gateway request context
// defined `response.http.status` as a getter/setter in an object literal; V8 allocates such a
// pair in old space on every call, and its closures kept each request's context (loaders,
// records) and result reachable from old space until the next full GC: every request was
// tenured (service RSS under load 219 MB, 150 MB without). patches/@apollo+server+*.patch moves
// the accessor to a prototype.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;
const oldSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;

describe('request retention', () => {
  test('the executor gets a status accessor that lives on a prototype and still sets the answer status', async () => {
    const schema = buildSchema('type Query { a: Int }');
    const gateway = compiledExecutionGateway(schema, { maxDocuments: 10 });
    const server = new ApolloServer({
      gateway: {
        ...gateway,
        async load(options) {
          await gateway.load(options);
          return {
            executor: async (rc) => {
              expect(Object.getOwnPropertyDescriptor(rc.response!.http!, 'status')).toBeUndefined();
              rc.response!.http!.status = 299;
              return gateway.executor(rc);
            },
          };
        },
      },
    });
    await server.start();
    const r = await server.executeOperation({ query: '{ a }' });
    expect(r.http.status).toBe(299);
    await server.stop();
  });

  test('contexts of finished requests are not tenured (old space grows by far less than what they held)', async () => {
    const schema = buildSchema('type Query { a: Int }');
    const server = new ApolloServer({ gateway: compiledExecutionGateway(schema, { maxDocuments: 10 }) });
    await server.start();
    const requests = 500;
    // About 40 KB per context: what a request's loaders and records hold, in small objects.
    const payload = (i: number) => Array.from({ length: 1000 }, (_, k) => ({ i, k }));
    for (let i = 0; i < 20; i++) await server.executeOperation({ query: '{ a }' }, { contextValue: { payload: payload(i) } });
    gc({ type: 'major' });
    const before = oldSpaceUsed();
    for (let i = 0; i < requests; i++) await server.executeOperation({ query: '{ a }' }, { contextValue: { payload: payload(i) } });
    const grown = oldSpaceUsed() - before;
    await server.stop();
    // Tenured, the contexts alone would add about 20 MB (a full GC in between can only make it less).
    expect(grown).toBeLessThan(6 * 1024 * 1024);
  });
});
