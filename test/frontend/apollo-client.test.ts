import './dev-build';
import { ApolloClient, HttpLink, InMemoryCache, type OperationVariables, type TypedDocumentNode } from '@apollo/client';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev';
import { relayStylePagination } from '@apollo/client/utilities';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { buildSchema, getOperationAST, isAbstractType } from 'graphql';
import { filter, firstValueFrom } from 'rxjs';
import * as generated from '../../schema/generated/graphql';
import {
  CustomerBusinessCardDocument,
  CustomerDetailViewDocument,
  CustomerListDocument,
  UpdateCustomerDocument,
  type CustomerListQuery,
} from '../../schema/generated/graphql';
import { seedDemo } from '../../src/seed/demo';
import { startTestApp, TOKENS, type TestApp } from '../helpers/test-app';

loadDevMessages();
loadErrorMessages();

/**
 * The cache a frontend gets by default: InMemoryCache with relayStylePagination() on the list
 * fields (keyed by their filter arguments), and nothing else: no keyFields, no merge functions.
 * `possibleTypes` only where a test says so (type fragments on the Node interface).
 */
function defaultCache(possibleTypes?: Record<string, string[]>): InMemoryCache {
  return new InMemoryCache({
    ...(possibleTypes ? { possibleTypes } : {}),
    typePolicies: {
      Query: {
        fields: {
          customers: relayStylePagination(['search', 'valid', 'dataSource']),
          customerUsers: relayStylePagination(['search', 'customerId', 'valid', 'dataSource']),
        },
      },
      Customer: {
        fields: {
          tickets: relayStylePagination(['stateTypes']),
          openTickets: relayStylePagination(),
          escalatedTickets: relayStylePagination(),
          reminderTickets: relayStylePagination(['reachedOnly']),
          customerUsers: relayStylePagination(['valid']),
        },
      },
      CustomerUser: { fields: { tickets: relayStylePagination(['stateTypes']) } },
    },
  });
}

interface Harness {
  readonly client: ApolloClient;
  /** Requests that went over the network so far. */
  requests(): number;
}

/** `possibleTypes` from schema/schema.graphql: each interface with the types implementing it. */
function possibleTypesOfSchema(): Record<string, string[]> {
  const schema = buildSchema(readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8'));
  return Object.fromEntries(
    Object.values(schema.getTypeMap())
      .filter(isAbstractType)
      .map((type) => [type.name, schema.getPossibleTypes(type).map((t) => t.name)]),
  );
}

function apollo(t: TestApp, token: string = TOKENS.agent, possibleTypes?: Record<string, string[]>): Harness {
  let requests = 0;
  const link = new HttpLink({
    uri: `${t.url}/graphql`,
    headers: { authorization: `Bearer ${token}` },
    fetch: (input, init) => {
      requests += 1;
      return fetch(input, init);
    },
  });
  return { client: new ApolloClient({ link, cache: defaultCache(possibleTypes) }), requests: () => requests };
}

/** Everything Apollo Client (and anything else) writes to the console while a test runs. */
const consoleLines: string[] = [];
for (const level of ['warn', 'error', 'log', 'info', 'debug'] as const) {
  jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    consoleLines.push(`${level}: ${format(...args)}`);
  });
}

type ListNode = CustomerListQuery['customers']['edges'][number]['node'];

describe('Apollo Client 4 with the default InMemoryCache and relayStylePagination() (demo data)', () => {
  let t: TestApp;
  let all: { id: string; customerId: string }[];
  beforeAll(async () => {
    t = await startTestApp({ prepare: async (app) => void (await seedDemo(app.store.seedWriter)) });
    const res = await t.http('{ customers(first: 100) { totalCount edges { node { id customerId } } } }');
    all = res.data.customers.edges.map((e: { node: { id: string; customerId: string } }) => e.node);
    expect(all.length).toBe(res.data.customers.totalCount);
    expect(all.length).toBeGreaterThan(10);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    consoleLines.length = 0;
  });

  test('fetchMore with after pages through every customer; the list screen, read from the cache alone, holds every page in order', async () => {
    const { client, requests } = apollo(t, TOKENS.reader);
    const list = client.watchQuery({ query: CustomerListDocument, variables: { first: 5 } });
    const sub = list.subscribe(() => {});
    let page = (await firstValueFrom(list.pipe(filter((r) => !r.loading)))).data as CustomerListQuery;
    let pages = 1;
    while (page.customers.pageInfo.hasNextPage) {
      page = (await list.fetchMore({ variables: { after: page.customers.pageInfo.endCursor } })).data as CustomerListQuery;
      pages += 1;
    }
    // The watched query (what a list screen renders) emits the merged list of every page.
    const watched = await firstValueFrom(list.pipe(filter((r) => (r.data as CustomerListQuery | undefined)?.customers.edges.length === all.length)));
    expect((watched.data as CustomerListQuery).customers.edges.map((e) => e.node.customerId)).toEqual(all.map((c) => c.customerId));
    sub.unsubscribe();
    expect(pages).toBe(Math.ceil(all.length / 5));
    expect(requests()).toBe(pages);
    const screen = (await client.query({ query: CustomerListDocument, variables: { first: 5 }, fetchPolicy: 'cache-only' })).data!;
    expect(screen.customers.edges.map((e) => e.node.customerId)).toEqual(all.map((c) => c.customerId));
    expect(screen.customers.edges.map((e) => e.node.id)).toEqual(all.map((c) => c.id));
    expect(screen.customers.pageInfo.hasNextPage).toBe(false);
    expect(requests()).toBe(pages);
    expect(consoleLines).toEqual([]);
  });

  test('fetchMore with before pages backward from the end; the list screen, read from the cache alone, is the same list', async () => {
    const { client, requests } = apollo(t, TOKENS.reader);
    const list = client.watchQuery({ query: CustomerListDocument, variables: { last: 5 } });
    const sub = list.subscribe(() => {});
    let page = (await firstValueFrom(list.pipe(filter((r) => !r.loading)))).data as CustomerListQuery;
    expect(page.customers.edges.map((e) => e.node.customerId)).toEqual(all.slice(-5).map((c) => c.customerId));
    let pages = 1;
    while (page.customers.pageInfo.hasPreviousPage) {
      page = (await list.fetchMore({ variables: { last: 5, before: page.customers.pageInfo.startCursor } })).data as CustomerListQuery;
      pages += 1;
    }
    // The watched query (what a list screen renders) emits the merged list of every page.
    const watched = await firstValueFrom(list.pipe(filter((r) => (r.data as CustomerListQuery | undefined)?.customers.edges.length === all.length)));
    expect((watched.data as CustomerListQuery).customers.edges.map((e) => e.node.customerId)).toEqual(all.map((c) => c.customerId));
    sub.unsubscribe();
    expect(pages).toBe(Math.ceil(all.length / 5));
    expect(requests()).toBe(pages);
    const screen = (await client.query({ query: CustomerListDocument, variables: { last: 5 }, fetchPolicy: 'cache-only' })).data!;
    expect(screen.customers.edges.map((e) => e.node.customerId)).toEqual(all.map((c) => c.customerId));
    expect(screen.customers.edges.map((e) => e.node.id)).toEqual(all.map((c) => c.id));
    expect(screen.customers.pageInfo.hasPreviousPage).toBe(false);
    expect(requests()).toBe(pages);
    expect(consoleLines).toEqual([]);
  });

  test('after updateCustomer with a rename, the list, the detail view and the business card show the new data from the cache alone', async () => {
    const { client, requests } = apollo(t);
    const target = all[3]!;
    await client.query({ query: CustomerListDocument, variables: { first: 100 } });
    const detailBefore = (await client.query({ query: CustomerDetailViewDocument, variables: { customerId: target.customerId } })).data!;
    await client.query({ query: CustomerBusinessCardDocument, variables: { customerId: target.customerId } });
    const sent = requests();

    const renamed = `${target.customerId}-RENAMED`;
    const input = { customerId: renamed, name: 'Renamed Trading GmbH', street: 'Hafenstraße 7', zip: '24103', city: 'Kiel', country: 'de', comment: 'renamed by the Apollo test' };
    const { data: updated } = await client.mutate({ mutation: UpdateCustomerDocument, variables: { customerId: target.customerId, input } });
    expect(updated!.updateCustomer.id).toBe(target.id);
    expect(requests()).toBe(sent + 1);

    // What the server answers now, through a fresh cache: what the screens must show.
    const fresh = apollo(t);
    const expected = (await fresh.client.query({ query: CustomerDetailViewDocument, variables: { customerId: renamed }, fetchPolicy: 'network-only' })).data!;
    expect(expected.customer).toMatchObject({ id: target.id, customerId: renamed, name: input.name, city: 'Kiel', country: { code: 'DE', name: 'Germany' } });
    expect(expected.customer!.mapUrl).not.toBe(detailBefore.customer!.mapUrl);

    // Every screen is read from the cache only (as it was cached: under the old customer id).
    const detail = client.readQuery({ query: CustomerDetailViewDocument, variables: { customerId: target.customerId } });
    expect(detail).toEqual(expected);
    const card = (await client.query({ query: CustomerBusinessCardDocument, variables: { customerId: target.customerId }, fetchPolicy: 'cache-only' })).data!;
    expect(card.customer).toMatchObject({ id: target.id, customerId: renamed, name: input.name, street: input.street, zip: input.zip, city: 'Kiel' });
    const list = (await client.query({ query: CustomerListDocument, variables: { first: 100 }, fetchPolicy: 'cache-only' })).data!;
    const row: ListNode | undefined = list.customers.edges.find((e) => e.node.id === target.id)?.node;
    expect(row).toMatchObject({ customerId: renamed, name: input.name, city: 'Kiel' });
    expect(list.customers.edges.filter((e) => e.node.customerId === target.customerId)).toEqual([]);
    expect(requests()).toBe(sent + 1);

    // One entity for the customer, not one per customer id.
    const entities = Object.entries(client.cache.extract() as Record<string, unknown>).filter(([key, value]) => key.startsWith('Customer:') && [target.customerId, renamed].includes((value as { customerId?: string }).customerId ?? ''));
    expect(entities.map(([key]) => key)).toEqual([`Customer:${target.id}`]);
    expect(consoleLines).toEqual([]);
  });

  test('every shipped operation and mutation, run in turn on one cache and then again: no cache warning, no console output', async () => {
    const { client } = apollo(t);
    const customerId = all[5]!.customerId;
    const detail = (await client.query({ query: CustomerDetailViewDocument, variables: { customerId } })).data!.customer!;
    const login = detail.customerUsers.edges[0]!.node.login;
    const number = detail.tickets.edges[0]!.node.number;
    const variables: Record<string, OperationVariables> = {
      CustomerList: { first: 50 },
      CustomerDetailView: { customerId },
      ZnunyCustomerDetail: { customerId },
      Viewer: {},
      CustomerBusinessCard: { customerId },
      CustomerUserDetail: { login },
      CreateCustomerForm: {},
      DegradedCustomerList: { first: 50 },
      CustomersBackward: { last: 5 },
      CustomerUsersBackward: { last: 5 },
      CustomerListsBackward: { customerId, last: 5 },
      NodeLookup: { id: detail.id },
      NodesLookup: { ids: [detail.id, detail.customerUsers.edges[0]!.node.id, detail.tickets.edges[0]!.node.id] },
      CreateCustomer: { input: { dataSource: 'local', customerId: 'APOLLO-1', name: 'Apollo Test Ltd', country: 'GB' } },
      UpdateCustomer: { customerId, input: { city: 'Lübeck', street: 'Breite Straße 1' } },
      CreateCustomerUser: { input: { dataSource: 'local', login: 'apollo.user', email: 'apollo@example.com', firstName: 'Apo', lastName: 'Llo', customerId: 'APOLLO-1', additionalCustomerIds: [customerId] } },
      UpdateCustomerUser: { login, input: { phone: '+49 451 1234', city: 'Lübeck' } },
      CreateTicket: { input: { title: 'From the Apollo test', customerUserLogin: login } },
      UpdateTicket: { number, input: { state: 'closed successful' } },
    };
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document')) as [string, TypedDocumentNode][];
    // Subscriptions run over WebSocket (test/live); every query and mutation runs here.
    const operations = documents.map(([, doc]) => getOperationAST(doc)!).filter((op) => op.operation !== 'subscription');
    // Every document of schema/operations is run (a new operation needs its variables here).
    expect(operations.map((op) => op.name!.value).sort()).toEqual(Object.keys(variables).sort());
    delete variables.NodeLookup;

    const nameOf = (doc: TypedDocumentNode) => getOperationAST(doc)!.name!.value;
    // NodeLookup is run by the next test: its type fragments on Node need possibleTypes.
    const queries = documents.filter(([name, doc]) => getOperationAST(doc)!.operation === 'query' && name !== 'NodeLookupDocument').map(([, doc]) => doc);
    const mutations = documents.filter(([, doc]) => getOperationAST(doc)!.operation === 'mutation').map(([, doc]) => doc);
    const SCREENS = ['CustomerList', 'CustomerDetailView', 'CustomerBusinessCard', 'CustomerUserDetail', 'CreateCustomerForm'];
    const screens = queries.filter((q) => SCREENS.includes(nameOf(q)));
    const run = async (query: TypedDocumentNode, fetchPolicy: 'cache-first' | 'network-only' | 'cache-only') => {
      const res = await client.query({ query, variables: variables[nameOf(query)], fetchPolicy });
      expect({ op: nameOf(query), fetchPolicy, error: res.error, complete: res.data != null }).toEqual({ op: nameOf(query), fetchPolicy, error: undefined, complete: true });
    };

    // The screens, then every write: each screen is still answered from the cache alone.
    for (const query of screens) await run(query, 'cache-first');
    for (const mutation of mutations) {
      const res = await client.mutate({ mutation, variables: variables[nameOf(mutation)] });
      expect({ op: nameOf(mutation), error: res.error }).toEqual({ op: nameOf(mutation), error: undefined });
    }
    for (const query of screens) await run(query, 'cache-only');
    // Then every query (the contract's relay and degraded ones too), and all of them again from the network.
    for (const query of queries) await run(query, 'cache-first');
    for (const query of queries) await run(query, 'network-only');
    expect(consoleLines).toEqual([]);
  });

  test('NodeLookup (type fragments on the Node interface): the bare cache warns that possibleTypes is missing; with possibleTypes of the schema it is quiet', async () => {
    const target = all[1]!;
    const bare = apollo(t, TOKENS.reader);
    await bare.client.query({ query: generated.NodeLookupDocument, variables: { id: target.id } });
    expect(consoleLines.join('\n')).toMatch(/missing `possibleTypes` entry/);

    consoleLines.length = 0;
    const possibleTypes = possibleTypesOfSchema();
    expect(possibleTypes).toEqual({ Node: ['Customer', 'CustomerUser', 'Ticket'] });
    const { client, requests } = apollo(t, TOKENS.reader, possibleTypes);
    await client.query({ query: CustomerListDocument, variables: { first: 100 } });
    const { data } = await client.query({ query: generated.NodeLookupDocument, variables: { id: target.id } });
    expect(data!.node).toMatchObject({ __typename: 'Customer', id: target.id, customerId: target.customerId });
    // The list's entity and node(id:)'s are one: a further lookup needs no request.
    const before = requests();
    await client.query({ query: CustomerBusinessCardDocument, variables: { customerId: target.customerId } });
    expect(requests()).toBe(before + 1);
    expect(Object.keys(client.cache.extract() as Record<string, unknown>).filter((k) => k === `Customer:${target.id}`)).toHaveLength(1);
    expect(consoleLines).toEqual([]);
  });

  // Last: Apollo Client warns once per type and field, for the life of the process.
  test('the console capture sees the warning an inconsistent selection causes (this check can fail)', async () => {
    const { client } = apollo(t, TOKENS.reader);
    const { parse } = await import('graphql');
    const customerId = all[0]!.customerId;
    await client.query({ query: parse('query B($c: ID!) { customer(customerId: $c) { id country { code } } }'), variables: { c: customerId } });
    expect(consoleLines).toEqual([]);
    await client.query({ query: parse('query C($c: ID!) { customer(customerId: $c) { id country { name } } }'), variables: { c: customerId } });
    expect(consoleLines.join('\n')).toMatch(/Cache data may be lost when replacing the country field of a Customer object/);
  });
});
