import { ConflictError, NotFoundError, ReadOnlyDataSourceError } from '../domain/errors';
import { idKey, type CustomerRecord } from '../domain/records';
import type { TicketStore } from '../domain/tickets';
import { publishCommitted, SILENT_FEED, type ChangeFeed } from '../domain/change-feed';
import type { DataSourceRegistry } from '../registry/data-source-registry';
import { customerPatchSchema, newCustomerSchema, type CustomerPatchInput, type NewCustomerInput } from '../domain/write-inputs';
import { parseInput } from '../validation/parse-input';
import { takeRecord } from './service-helpers';

/** Creates and changes customers: validation, uniqueness across sources, the target source. */
export class CustomerService {
  constructor(
    private readonly sources: DataSourceRegistry,
    private readonly tickets: TicketStore,
    private readonly feed: Pick<ChangeFeed, 'publish' | 'publishesInTransaction'> = SILENT_FEED,
  ) {}

  /** createCustomer: the input as the GraphQL layer received it, validated here. */
  async create(input: NewCustomerInput & { readonly dataSource: string }): Promise<CustomerRecord> {
    const source = this.sources.get(input.dataSource, 'dataSource');
    if (!source.capabilities.customers || !source.capabilities.writableCustomers) {
      throw new ReadOnlyDataSourceError(`Data source '${source.id}' does not accept new customers`, 'dataSource');
    }
    const customer = parseInput(newCustomerSchema, input);
    await this.assertIdFree(customer.customerId, null);
    const created = await this.sources.track(source, () => source.createCustomer(customer));
    publishCommitted(this.feed, () => ({ customers: [{ before: null, after: created.customerId }], committedAt: Date.now() }));
    return created;
  }

  /** updateCustomer: only the given fields change; a new id moves users and tickets along. */
  async update(customerId: string, input: CustomerPatchInput): Promise<CustomerRecord> {
    const current = await this.find(customerId);
    const source = this.sources.get(current.sourceId);
    if (!source.capabilities.writableCustomers) {
      throw new ReadOnlyDataSourceError(`Customer '${current.customerId}' is in read-only data source '${source.id}'`);
    }
    const patch = parseInput(customerPatchSchema, input);
    if (patch.customerId !== undefined) await this.assertIdFree(patch.customerId, current.customerId);
    const renamed = patch.customerId !== undefined && patch.customerId !== current.customerId;
    if (renamed && !source.capabilities.movesTicketsOnRename && !this.tickets.capabilities.movesRenamedCustomers) {
      throw new ReadOnlyDataSourceError(`The tickets of customer '${current.customerId}' are kept read-only: its customer id cannot change`, 'customerId');
    }
    const updated = await this.sources.track(source, () => source.updateCustomer(current.customerId, patch));
    // A source that is the helpdesk database moved the tickets in its own transaction.
    if (updated.customerId !== current.customerId && !source.capabilities.movesTicketsOnRename) {
      await this.tickets.renameCustomer(current.customerId, updated.customerId);
    }
    publishCommitted(this.feed, () => ({ customers: [{ before: current.customerId, after: updated.customerId }], committedAt: Date.now() }));
    return updated;
  }

  private async find(customerId: string): Promise<CustomerRecord> {
    const [found] = await this.sources.customersByIds([customerId]);
    const record = takeRecord(found);
    if (!record) throw new NotFoundError(`Customer '${customerId}' does not exist`, 'customerId');
    return record;
  }

  /** Customer ids are unique across all sources, ignoring case. */
  private async assertIdFree(customerId: string, self: string | null): Promise<void> {
    if (self !== null && idKey(self) === idKey(customerId)) return;
    const [found] = await this.sources.customersByIds([customerId]);
    if (takeRecord(found)) throw new ConflictError(`Customer id '${customerId}' is taken`, 'customerId');
  }
}
