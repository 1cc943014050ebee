import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { requestFingerprint } from '../../src/services/idempotency';
import { fingerprint } from '../helpers/fingerprint';
import { loadFixture } from '../helpers/fixture-tickets';
import { countRows } from '../helpers/helpdesk-sql';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { ALL_TICKETS } from '../../src/domain/ticket-scope';

const CREATE = 'mutation CreateTicket($input: CreateTicketInput!) { createTicket(input: $input) { number title state customerId } }';
const UPDATE = 'mutation UpdateTicket($number: String!, $input: UpdateTicketInput!) { updateTicket(number: $number, input: $input) { number title changedAt } }';

function ticketCount(t: TestApp): Promise<number> {
  return countRows(t.app, 'SELECT count(*) AS n FROM ticket');
}

describe('Idempotency-Key on mutations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterAll(() => t.close());

  test('a retry with the same key returns the first result and writes nothing more', async () => {
    const key = randomUUID();
    const input = { title: 'Printer on fire', customerId: 'ACME' };
    const before = await ticketCount(t);
    const first = await t.http(CREATE, { input }, { headers: { 'idempotency-key': key } });
    expect(first.errors).toBeUndefined();
    expect(await ticketCount(t)).toBe(before + 1);
    const data = await fingerprint(t.app);
    for (let i = 0; i < 3; i++) {
      const again = await t.http(CREATE, { input }, { headers: { 'idempotency-key': key } });
      expect(again.data).toEqual(first.data);
      expect(again.headers?.get('idempotent-replayed')).toBe('true');
    }
    expect(await ticketCount(t)).toBe(before + 1);
    expect(await fingerprint(t.app)).toBe(data);
    // Without a key, the same mutation writes again (the key is what deduplicates).
    const other = await t.http(CREATE, { input });
    expect(other.data.createTicket.number).not.toBe(first.data.createTicket.number);
  });

  test('the same key with another input is CONFLICT and changes nothing', async () => {
    const key = randomUUID();
    const first = await t.http(CREATE, { input: { title: 'A', customerId: 'ACME' } }, { headers: { 'idempotency-key': key } });
    expect(first.errors).toBeUndefined();
    const data = await fingerprint(t.app);
    const clash = await t.http(CREATE, { input: { title: 'B', customerId: 'ACME' } }, { headers: { 'idempotency-key': key } });
    expect(clash.status).toBe(409);
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const otherMutation = await t.http(UPDATE, { number: first.data.createTicket.number, input: { title: 'C' } }, { headers: { 'idempotency-key': key } });
    expect(otherMutation.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await fingerprint(t.app)).toBe(data);
  });

  test('updates replay too; a failed mutation does not bind its key', async () => {
    const [ticket] = await t.app.tickets.byNumbers([(await t.http(CREATE, { input: { title: 'u', customerId: 'ACME' } })).data.createTicket.number], ALL_TICKETS);
    const key = randomUUID();
    const bad = await t.http(UPDATE, { number: ticket!.number, input: { title: '' } }, { headers: { 'idempotency-key': key } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const good = await t.http(UPDATE, { number: ticket!.number, input: { title: 'renamed' } }, { headers: { 'idempotency-key': key } });
    expect(good.errors).toBeUndefined();
    const data = await fingerprint(t.app);
    const again = await t.http(UPDATE, { number: ticket!.number, input: { title: 'renamed' } }, { headers: { 'idempotency-key': key } });
    expect(again.data).toEqual(good.data);
    expect(await fingerprint(t.app)).toBe(data);
  });

  test('a key must be 1 to 255 visible ASCII characters; a bad one runs nothing', async () => {
    const data = await fingerprint(t.app);
    const { result, operations } = await t.countOperations(() =>
      t.http(CREATE, { input: { title: 'x', customerId: 'ACME' } }, { headers: { 'idempotency-key': 'x'.repeat(300) } }),
    );
    expect(result.status).toBe(400);
    expect(operations).toBe(0);
    expect(await fingerprint(t.app)).toBe(data);
  });

  test('concurrent requests with one key: one writes, the others are CONFLICT or the replay', async () => {
    const key = randomUUID();
    const before = await ticketCount(t);
    const input = { title: 'concurrent', customerId: 'ACME' };
    const results = await Promise.all(Array.from({ length: 8 }, () => t.http(CREATE, { input }, { headers: { 'idempotency-key': key } })));
    expect(await ticketCount(t)).toBe(before + 1);
    const numbers = new Set(results.filter((r) => r.data).map((r) => r.data.createTicket.number));
    expect(numbers.size).toBe(1);
    for (const r of results) if (!r.data) expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('Idempotency-Key after a crash', () => {
  test('a write that committed without its response is replayed, not repeated, by the next process', async () => {
    const first = await startTestApp({ http: false, prepare: (app) => loadFixture(app) });
    const database = first.app.config.database;
    const key = randomUUID();
    const variables = { input: { title: 'Crash in between', customerId: 'ACME' } };
    // The first process claims the key and commits the write, then "dies" before storing the response.
    const decision = await first.app.idempotency.begin('agents', key, requestFingerprint({ query: CREATE, variables }));
    if (decision.kind !== 'run') throw new Error(decision.kind);
    const written = await first.app.idempotency.run(decision.scope, () => first.exec(CREATE, variables));
    expect(written.errors).toBeUndefined();
    const count = await ticketCount(first);
    await first.app.store.close();
    // The next process on the same file.
    const second = await startTestApp({ database });
    try {
      expect(await ticketCount(second)).toBe(count);
      const retry = await second.http(CREATE, variables, { headers: { 'idempotency-key': key } });
      expect(retry.errors).toBeUndefined();
      expect(retry.data.createTicket.number).toBe(written.data.createTicket.number);
      expect(await ticketCount(second)).toBe(count);
      // And from then on the stored response is replayed.
      const again = await second.http(CREATE, variables, { headers: { 'idempotency-key': key } });
      expect(again.headers?.get('idempotent-replayed')).toBe('true');
      expect(again.data).toEqual(retry.data);
      expect(await ticketCount(second)).toBe(count);
    } finally {
      await second.close();
      await first.app.apollo.stop();
      rmSync(first.dir, { recursive: true, force: true });
    }
  });
});
