import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixture } from '../helpers/fixture-tickets';
import { countRows, helpdeskSql } from '../helpers/helpdesk-sql';
import { startTestApp, type TestApp } from '../helpers/test-app';

const MUTATIONS = readFileSync(join(__dirname, '../../schema/operations/Mutations.graphql'), 'utf8');

describe('mutations (over HTTP)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ prepare: (app) => loadFixture(app) });
  });
  afterEach(() => t.close());

  test('updateCustomer changes only the given fields; null clears; changedAt moves', async () => {
    const before = (await t.http('{ customer(customerId: "ACME") { changedAt } }')).data.customer.changedAt;
    const res = await t.http(MUTATIONS, { customerId: 'acme', input: { city: 'Hamburg', comment: null, valid: 'INVALID_TEMPORARILY', country: 'at' } }, { operationName: 'UpdateCustomer' });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateCustomer).toMatchObject({ customerId: 'ACME', name: 'Acme Corporation', valid: 'INVALID_TEMPORARILY', street: 'Main Street 1', zip: '10115', city: 'Hamburg', country: { code: 'AT' }, url: 'https://acme.example', comment: null });
    expect(Date.parse(res.data.updateCustomer.changedAt)).toBeGreaterThanOrEqual(Date.parse(before));
  });

  test('renaming a customer id moves its customer users and tickets in the same transaction', async () => {
    const res = await t.http(MUTATIONS, { customerId: 'ACME', input: { customerId: 'ACME-GROUP' } }, { operationName: 'UpdateCustomer' });
    expect(res.data.updateCustomer.customerId).toBe('ACME-GROUP');
    const after = await t.http(`{
      old: customer(customerId: "ACME") { customerId }
      c: customer(customerId: "acme-group") { ticketCounts { total open } customerUsers(valid: [VALID, INVALID]) { totalCount } tickets(first: 1) { nodes { customerId customer { customerId } } } }
      jdoe: customerUser(login: "jdoe") { customerId customerIds customer { customerId } }
    }`);
    expect(after.data.old).toBeNull();
    expect(after.data.c.ticketCounts).toEqual({ total: 9, open: 5 });
    expect(after.data.c.customerUsers.totalCount).toBe(4);
    expect(after.data.c.tickets.nodes[0]).toEqual({ customerId: 'ACME-GROUP', customer: { customerId: 'ACME-GROUP' } });
    expect(after.data.jdoe).toEqual({ customerId: 'ACME-GROUP', customerIds: ['ACME-GROUP', 'globex', 'MUELLER'], customer: { customerId: 'ACME-GROUP' } });
    expect(await countRows(t.app, `SELECT count(*) AS n FROM ticket WHERE customer_key = 'acme'`)).toBe(0);
  });

  test('a rename that fails half-way changes nothing (one transaction)', async () => {
    // A trigger makes the ticket move fail after customers and users were updated.
    await helpdeskSql(t.app).exec(
      !t.app.store.capabilities.remote
        ? `CREATE TRIGGER fail_move BEFORE UPDATE OF customer_key ON ticket BEGIN SELECT RAISE(ABORT, 'boom'); END`
        : `CREATE FUNCTION fail_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$;
           CREATE TRIGGER fail_move BEFORE UPDATE OF customer_key ON ticket FOR EACH ROW EXECUTE FUNCTION fail_move()`,
    );
    const res = await t.http(MUTATIONS, { customerId: 'ACME', input: { customerId: 'ACME-GROUP' } }, { operationName: 'UpdateCustomer' });
    expect(res.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(res.errors?.[0]?.message).not.toMatch(/boom|SQL|ticket/i);
    const after = await t.http('{ c: customer(customerId: "ACME") { customerId } u: customerUser(login: "jdoe") { customerId } }');
    expect(after.data).toEqual({ c: { customerId: 'ACME' }, u: { customerId: 'ACME' } });
  });

  test('a change of case only is allowed and keeps the record', async () => {
    const res = await t.http(MUTATIONS, { customerId: 'globex', input: { customerId: 'GLOBEX' } }, { operationName: 'UpdateCustomer' });
    expect(res.data.updateCustomer.customerId).toBe('GLOBEX');
  });

  test('createCustomerUser: further ids are stored as the customers spell them, duplicates dropped', async () => {
    const res = await t.http(
      MUTATIONS,
      { input: { dataSource: 'local', login: 'new.user', email: 'new@example.com', firstName: ' New ', lastName: 'User', customerId: 'acme', additionalCustomerIds: ['GLOBEX', 'globex', 'ACME', 'initech'] } },
      { operationName: 'CreateCustomerUser' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createCustomerUser).toMatchObject({ login: 'new.user', email: 'new@example.com', fullName: 'New User', customerId: 'ACME', customerIds: ['ACME', 'globex', 'INITECH'], dataSource: { id: 'local' } });
  });

  test('updateCustomerUser: a new primary customer, further ids replaced, validity', async () => {
    const res = await t.http(MUTATIONS, { login: 'jdoe', input: { customerId: 'INITECH', additionalCustomerIds: ['acme'], valid: 'INVALID', title: null } }, { operationName: 'UpdateCustomerUser' });
    expect(res.data.updateCustomerUser).toMatchObject({ login: 'jdoe', email: 'jdoe@example.com', fullName: 'John Doe', customerId: 'INITECH', customerIds: ['INITECH', 'ACME'], valid: 'INVALID' });
    const lists = await t.http('{ initech: customer(customerId: "INITECH") { customerUsers(valid: [INVALID]) { nodes { login } } } globex: customer(customerId: "globex") { customerUsers { nodes { login } } } }');
    expect(lists.data.initech.customerUsers.nodes).toEqual([{ login: 'jdoe' }]);
    expect(lists.data.globex.customerUsers.nodes).toEqual([{ login: 'hsimpson' }]);
  });

  test('createTicket: the customer is the user\'s primary one unless given; defaults; escalated', async () => {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const res = await t.http(MUTATIONS, { input: { title: '  Laptop broken ', customerUserLogin: 'JDOE', escalationAt: past } }, { operationName: 'CreateTicket' });
    expect(res.errors).toBeUndefined();
    expect(res.data.createTicket).toMatchObject({ title: 'Laptop broken', state: 'new', stateType: 'NEW', customerId: 'ACME', customerUserLogin: 'jdoe', pendingUntil: null, escalationAt: past, escalated: true });
    expect(res.data.createTicket.number).toMatch(/^\d{8}10\d{6,}$/);
    const other = await t.http(MUTATIONS, { input: { title: 'For globex', customerUserLogin: 'jdoe', customerId: 'GLOBEX', state: 'open', priority: '5 very high', queue: 'Support' } }, { operationName: 'CreateTicket' });
    expect(other.data.createTicket).toMatchObject({ customerId: 'globex', stateType: 'OPEN' });
    const counts = await t.http('{ customer(customerId: "globex") { ticketCounts { open total } } }');
    expect(counts.data.customer.ticketCounts).toEqual({ open: 2, total: 2 });
  });

  test('updateTicket: to pending with pendingUntil, then leaving pending clears it', async () => {
    const number = (await t.http(MUTATIONS, { input: { title: 'T', customerId: 'INITECH' } }, { operationName: 'CreateTicket' })).data.createTicket.number;
    const until = '2031-02-03T04:05:06.000Z';
    const pending = await t.http(MUTATIONS, { number, input: { state: 'pending reminder', pendingUntil: until } }, { operationName: 'UpdateTicket' });
    expect(pending.data.updateTicket).toMatchObject({ number, title: 'T', state: 'pending reminder', stateType: 'PENDING_REMINDER', pendingUntil: until, escalationAt: null, escalated: false });
    const open = await t.http(MUTATIONS, { number, input: { state: 'open', title: 'T2' } }, { operationName: 'UpdateTicket' });
    expect(open.data.updateTicket).toMatchObject({ state: 'open', stateType: 'OPEN', pendingUntil: null, title: 'T2' });
    const counts = await t.http('{ customer(customerId: "INITECH") { ticketCounts { open closed pendingReminder } } }');
    expect(counts.data.customer.ticketCounts).toEqual({ open: 1, closed: 1, pendingReminder: 0 });
  });
});
