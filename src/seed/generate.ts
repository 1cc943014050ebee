import { Faker, en, de, base } from '@faker-js/faker';
import type { CustomerSeedRow, CustomerUserLinkSeedRow, CustomerUserSeedRow, SeedWriter, TicketSeedRow } from '../domain/seed-rows';
import { collationKey } from '../domain/sort-keys';
import { isOpenType, ticketNumber, TICKET_STATES, TicketStateType } from '../domain/tickets';

/** Size and shape of a generated dataset. */
export interface GenerateOptions {
  readonly customers: number;
  readonly users: number;
  readonly tickets: number;
  /** PRNG seed: the same options give the same dataset (times are relative to `now`). */
  readonly seed?: number;
  readonly now?: Date;
  /** Zipf exponent of tickets per customer: a few customers hold most tickets. */
  readonly skew?: number;
  /** Share of customers that are not VALID. */
  readonly invalidShare?: number;
  /** Told the number of tickets handed to the writer so far, every 1,000 tickets and at the end (a progress bar). */
  readonly onTickets?: (written: number) => void;
}

/** What was generated. */
export interface GenerateSummary {
  readonly customers: number;
  readonly users: number;
  readonly tickets: number;
  /** Customer ids, the heaviest (most tickets) first. */
  readonly heaviestCustomerIds: readonly string[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

const STATE_WEIGHTS: [string, number][] = [
  ['closed successful', 52], ['closed unsuccessful', 8], ['open', 12], ['new', 8], ['pending reminder', 7],
  ['pending auto close+', 3], ['pending auto close-', 1], ['merged', 5], ['removed', 4],
];
const PRIORITY_WEIGHTS: [string, number][] = [['1 very low', 5], ['2 low', 15], ['3 normal', 60], ['4 high', 15], ['5 very high', 5]];
const QUEUES = ['Raw', 'Misc', 'Postmaster', 'Support', 'Support::Hardware', 'Support::Network', 'Sales', 'Billing'];
const SUBJECTS = [
  'Cannot log in to the portal', 'Invoice {n} is wrong', 'VPN drops every few minutes', 'Printer on floor {n} offline',
  'Request for a new laptop', 'Password reset', 'E-mail bounces from {domain}', 'Licence renewal for {product}',
  'Order {n} not delivered', 'Slow response of {product}', 'Feature request: export to CSV', 'Contract change',
  'Backup failed last night', 'Certificate expires soon', 'New employee onboarding', 'Access to shared drive',
  '{product} crashes on start', 'Question about SLA', 'Phone line down at {city} office', 'Data protection request',
];
const PRODUCTS = ['ERP Suite', 'CRM Cloud', 'Mail Gateway', 'Office Pack', 'Payroll', 'Webshop', 'Storage Box'];
const COUNTRIES: [string, number][] = [['DE', 30], ['US', 15], ['GB', 10], ['FR', 8], ['NL', 7], ['AT', 6], ['CH', 6], ['SE', 4], ['ES', 4], ['IT', 4], ['PL', 3], ['DK', 3]];

/** A small fast PRNG (mulberry32) for the bulk of the choices; faker supplies the names. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(rand: () => number, items: readonly [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [item, w] of items) if ((x -= w) < 0) return item;
  return items[items.length - 1]![0];
}

/** Draws ranks 0..n-1 with probability ∝ 1/(rank+1)^s. */
function zipf(rand: () => number, n: number, s: number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cumulative[i] = sum += 1 / Math.pow(i + 1, s);
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function slug(text: string): string {
  return text.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_]+/g, '-').toLowerCase().slice(0, 40) || 'x';
}

/**
 * Generates a deterministic dataset and writes it into an empty, migrated helpdesk store through
 * its {@link SeedWriter}: customers (some not valid), customer users (some with several customer
 * ids), and tickets over all states with escalation and reminder times around `now`. Ticket
 * counts per customer follow a Zipf law. The same options give the same rows on every engine.
 */
export async function generateDataset(writer: SeedWriter, options: GenerateOptions): Promise<GenerateSummary> {
  const now = (options.now ?? new Date()).getTime();
  const rand = prng(options.seed ?? 42);
  const faker = new Faker({ locale: [en, de, base], seed: options.seed ?? 42 });
  const invalidShare = options.invalidShare ?? 0.05;

  const customerRows: CustomerSeedRow[] = [];
  const customers: { id: string; key: string; domain: string; city: string }[] = [];
  const userRows: CustomerUserSeedRow[] = [];
  const linkRows: CustomerUserLinkSeedRow[] = [];
  const users: { login: string; key: string }[] = [];
  const usersOfCustomer: number[][] = [];

  const names = new Set<string>();
  const ids = new Set<string>();
  const invalidEvery = invalidShare > 0 ? Math.max(2, Math.round(1 / invalidShare)) : 0;
  for (let i = 0; i < options.customers; i++) {
    let name = faker.company.name();
    while (names.has(name.toLowerCase())) name = `${faker.company.name()} ${faker.location.city()}`;
    names.add(name.toLowerCase());
    const base = slug(name.split(/[\s,]+/)[0]!).toUpperCase();
    let id = base;
    for (let n = 2; ids.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    ids.add(id.toLowerCase());
    const valid = invalidEvery && i % invalidEvery === invalidEvery - 1 ? (i % 3 === 0 ? 'INVALID_TEMPORARILY' : 'INVALID') : 'VALID';
    const country = weighted(rand, COUNTRIES);
    const city = faker.location.city();
    const domain = `${slug(name.split(/[\s,]+/)[0]!)}.example`;
    const created = now - Math.floor(rand() * 5 * 365 * DAY) - 400 * DAY;
    const street = rand() < 0.9 ? faker.location.streetAddress() : null;
    const zip = faker.location.zipCode('#####');
    const url = rand() < 0.8 ? `https://www.${domain}` : null;
    const comment = rand() < 0.3 ? faker.company.catchPhrase() : null;
    customerRows.push({
      customerId: id, customerKey: id.toLowerCase(), name, nameKey: name.toLowerCase(), nameSort: collationKey(name), valid,
      street, zip, city, country, url, comment, createdAt: created, changedAt: created + Math.floor(rand() * 300 * DAY),
    });
    customers.push({ id, key: id.toLowerCase(), domain, city });
    usersOfCustomer.push([]);
  }

  const userCustomer = zipf(rand, Math.max(1, options.customers), 0.8);
  const logins = new Set<string>();
  for (let i = 0; i < options.users && customers.length > 0; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const base = `${slug(firstName)}.${slug(lastName)}`.replace(/-/g, '');
    let login = base;
    for (let n = 2; logins.has(login); n++) login = `${base}${n}`;
    logins.add(login);
    const c = userCustomer();
    const customer = customers[c]!;
    const valid = rand() < 0.04 ? 'INVALID' : 'VALID';
    const created = now - Math.floor(rand() * 3 * 365 * DAY) - 30 * DAY;
    const title = rand() < 0.15 ? weighted(rand, [['Dr.', 3], ['Prof.', 1], ['Mr.', 4], ['Ms.', 4]]) : null;
    const phone = faker.phone.number({ style: 'international' });
    const mobile = rand() < 0.5 ? faker.phone.number({ style: 'international' }) : null;
    const userId = userRows.length + 1;
    const firstKey = collationKey(firstName);
    const lastKey = collationKey(lastName);
    userRows.push({
      id: userId, login, loginKey: login, email: `${login}@${customer.domain}`, title, firstName, lastName, firstKey, lastKey,
      phone, mobile, city: customer.city, valid, customerId: customer.id, customerKey: customer.key,
      createdAt: created, changedAt: created + Math.floor(rand() * 20 * DAY),
    });
    const linked = [c];
    if (rand() < 0.1) {
      for (let extra = 1 + Math.floor(rand() * 2); extra > 0; extra--) {
        const other = Math.floor(rand() * customers.length);
        if (!linked.includes(other)) linked.push(other);
      }
    }
    linked.forEach((ci, position) => {
      const cc = customers[ci]!;
      linkRows.push({ userId, customerKey: cc.key, customerId: cc.id, position, lastKey, firstKey, loginKey: login, valid });
      usersOfCustomer[ci]!.push(users.length);
    });
    users.push({ login, key: login });
  }

  const perCustomer = new Map<string, number>();
  const ticketCustomer = zipf(rand, Math.max(1, options.customers), options.skew ?? 1.1);
  let written = 0;
  function* tickets(): Generator<TicketSeedRow> {
    for (let id = 1; id <= options.tickets && customers.length > 0; id++) {
      const ci = ticketCustomer();
      const customer = customers[ci]!;
      const members = usersOfCustomer[ci]!;
      const user = members.length > 0 && rand() < 0.95 ? users[members[Math.floor(rand() * members.length)]!]! : null;
      const state = weighted(rand, STATE_WEIGHTS);
      const type = TICKET_STATES.get(state)!;
      const open = isOpenType(type);
      // Open tickets are recent; closed ones spread over two years.
      const age = open ? Math.floor(Math.pow(rand(), 2) * 60 * DAY) : Math.floor(rand() * 730 * DAY);
      const created = now - age - HOUR;
      const changed = Math.min(now, created + Math.floor(rand() * Math.max(HOUR, age)));
      const escalation = open && rand() < 0.7 ? now + Math.floor((rand() * 2 - 1.2) * 5 * DAY) : null;
      const pending = type === TicketStateType.PENDING_REMINDER || type === TicketStateType.PENDING_AUTO
        ? now + Math.floor((rand() * 13 - 3) * DAY)
        : null;
      const subject = SUBJECTS[Math.floor(rand() * SUBJECTS.length)]!
        .replace('{n}', String(1000 + Math.floor(rand() * 9000)))
        .replace('{domain}', customer.domain)
        .replace('{product}', PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!)
        .replace('{city}', customer.city);
      const priority = weighted(rand, PRIORITY_WEIGHTS);
      const queue = QUEUES[Math.floor(rand() * QUEUES.length)]!;
      perCustomer.set(customer.id, (perCustomer.get(customer.id) ?? 0) + 1);
      written++;
      if (options.onTickets && written % 1000 === 0) options.onTickets(written);
      yield {
        id, number: ticketNumber(new Date(created), id), title: subject, state, stateType: type, isOpen: open, priority, queue,
        customerId: customer.id, customerKey: customer.key, customerUserLogin: user?.login ?? null, customerUserKey: user?.key ?? null,
        createdAt: created, changedAt: changed, escalationAt: escalation, pendingUntil: pending,
      };
    }
  }

  await writer.write({ customers: customerRows, users: userRows, links: linkRows, tickets: tickets() });
  options.onTickets?.(written);
  const heaviest = [...perCustomer].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([id]) => id);
  return { customers: customers.length, users: users.length, tickets: written, heaviestCustomerIds: heaviest };
}
