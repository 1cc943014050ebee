import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compiledExecutionGateway } from '../../src/graphql/execution';

// A finished request must be garbage for the next scavenge. Apollo's gateway request context
// defined `response.http.status` as a getter/setter in an object literal; V8 allocates such a
// pair in old space on every call, and its closures kept each request's context (loaders,
// records) and result reachable from old space until the next full GC: every request was
// tenured (service RSS under load 219 MB, 150 MB without). patches/@apollo+server+*.patch moves
// the accessor to a prototype.

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

  test('contexts of finished requests are not tenured: two scavenges after each request leave nothing of them in old space', () => {
    // Measured in a child process with only Apollo loaded: jest's own allocations move the old
    // space by megabytes. Two series of 100 requests each followed by two scavenges, with ~40 KB
    // contexts (linked class instances) and with empty ones; tenured, the first adds ~4 MB more.
    const script = `
      const { ApolloServer } = require('@apollo/server');
      const { buildSchema, execute } = require('graphql');
      const { getHeapSpaceStatistics } = require('node:v8');
      class Cell { constructor(value, next) { this.value = value; this.next = next; } }
      const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
      const schema = buildSchema('type Query { a: Int }');
      const executor = async (rc) => execute({ schema, document: rc.document, contextValue: rc.context });
      const gateway = { onSchemaLoadOrUpdate(cb) { cb({ apiSchema: schema, coreSupergraphSdl: '' }); return () => {}; }, async load() { return { executor }; }, async stop() {} };
      (async () => {
        const server = new ApolloServer({ gateway });
        await server.start();
        const payload = (i) => { let head = null; for (let k = 0; k < 1000; k++) head = new Cell(i + k, head); return head; };
        const series = async (full) => {
          gc(); gc();
          const before = oldSpace();
          for (let i = 0; i < 100; i++) {
            await server.executeOperation({ query: '{ a }' }, { contextValue: { payload: full ? payload(i) : null } });
            gc({ type: 'minor' }); gc({ type: 'minor' });
          }
          return oldSpace() - before;
        };
        await series(true);
        const empty = await series(false);
        const full = await series(true);
        await server.stop();
        console.log(JSON.stringify({ empty, full }));
      })();`;
    const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], { cwd: join(__dirname, '../..'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { empty, full } = JSON.parse(run.stdout) as { empty: number; full: number };
    expect(full - empty).toBeLessThan(1024 * 1024);
  });
});
