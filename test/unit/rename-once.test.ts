import { loadFixture } from '../helpers/fixture-tickets';
import { startTestApp } from '../helpers/test-app';

const COUNTS = `query($id: ID!) { customer(customerId: $id) { ticketCounts { total open } } }`;

describe('a customer rename moves its tickets exactly once', () => {
  test('in the helpdesk database: by the source, in its own transaction; the ticket store is not asked again', async () => {
    const t = await startTestApp({ http: false, prepare: (app) => loadFixture(app) });
    try {
      const before = (await t.exec(COUNTS, { id: 'ACME' })).data.customer.ticketCounts;
      expect(before.total).toBe(9);
      const again = jest.spyOn(t.app.tickets, 'renameCustomer');
      const r = await t.exec(`mutation { updateCustomer(customerId: "ACME", input: { customerId: "ACME-NEW" }) { customerId } }`);
      expect(r.errors).toBeUndefined();
      expect(again).not.toHaveBeenCalled();
      expect((await t.exec(COUNTS, { id: 'ACME-NEW' })).data.customer.ticketCounts).toEqual(before);
    } finally {
      await t.close();
    }
  });

  test('in a writable source of its own file: the ticket store moves them, once', async () => {
    const t = await startTestApp({
      http: false,
      config: { dataSources: [{ id: 'other', name: 'Other file', kind: 'sqlite', path: 'other.db' }, { id: 'local', name: 'Helpdesk database', kind: 'sqlite' }] },
    });
    try {
      expect(t.app.sources.get('other').capabilities.movesTicketsOnRename).toBe(false);
      const c = await t.exec(`mutation { createCustomer(input: { dataSource: "other", customerId: "ELSEWHERE", name: "Elsewhere", country: "DE" }) { customerId } }`);
      expect(c.errors).toBeUndefined();
      const tk = await t.exec(`mutation { createTicket(input: { title: "T", customerId: "ELSEWHERE" }) { number } }`);
      expect(tk.errors).toBeUndefined();
      const move = jest.spyOn(t.app.tickets, 'renameCustomer');
      const r = await t.exec(`mutation { updateCustomer(customerId: "ELSEWHERE", input: { customerId: "ELSEWHERE-2" }) { customerId } }`);
      expect(r.errors).toBeUndefined();
      expect(move).toHaveBeenCalledTimes(1);
      expect((await t.exec(COUNTS, { id: 'ELSEWHERE-2' })).data.customer.ticketCounts).toEqual({ total: 1, open: 1 });
    } finally {
      await t.close();
    }
  });
});
