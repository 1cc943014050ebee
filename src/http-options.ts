import type { App } from './composition/app';
import { firstPage } from './domain/page';
import { Validity } from './domain/records';
import type { HttpOptions } from './http/server';

/**
 * What the HTTP server takes from the rest of the service besides the app (composition, beside
 * app.ts): GraphiQL's default customer is the first valid customer of the merged list, so the
 * HTTP layer never calls into the data sources itself.
 */
export function httpOptions(app: Pick<App, 'sources'>): HttpOptions {
  return {
    graphiqlDefaultCustomerId: async () => {
      const page = await app.sources.listCustomers({ search: null, valid: [Validity.VALID], ...firstPage(1) }, null);
      return page.nodes[0]?.customerId ?? null;
    },
  };
}
