import { ConflictError, NotFoundError, ReadOnlyDataSourceError, ValidationError } from '../domain/errors';
import { distinctIds, idKey, type CustomerUserRecord } from '../domain/records';
import { publishCommitted, SILENT_FEED, type ChangeFeed } from '../domain/change-feed';
import type { DataSourceRegistry } from '../registry/data-source-registry';
import { customerUserPatchSchema, newCustomerUserSchema, type CustomerUserPatchInput, type NewCustomerUserInput } from '../domain/write-inputs';
import { parseInput } from '../validation/parse-input';
import { takeRecord } from './service-helpers';

/** Creates and changes customer users: validation, unique logins, existing customers. */
export class CustomerUserService {
  constructor(
    private readonly sources: DataSourceRegistry,
    private readonly feed: Pick<ChangeFeed, 'publish' | 'publishesInTransaction'> = SILENT_FEED,
  ) {}

  /** createCustomerUser: the input as the GraphQL layer received it, validated here. */
  async create(input: NewCustomerUserInput & { readonly dataSource: string }): Promise<CustomerUserRecord> {
    const source = this.sources.get(input.dataSource, 'dataSource');
    if (!source.capabilities.customerUsers || !source.capabilities.writableCustomerUsers) {
      throw new ReadOnlyDataSourceError(`Data source '${source.id}' does not accept new customer users`, 'dataSource');
    }
    const parsed = parseInput(newCustomerUserSchema, input);
    const [existing] = await this.sources.customerUsersByLogins([parsed.login]);
    if (takeRecord(existing)) throw new ConflictError(`Login '${parsed.login}' is taken`, 'login');
    const ids = await this.existingCustomerIds(parsed.customerId, parsed.additionalCustomerIds);
    const user = { ...parsed, customerId: ids.customerId, additionalCustomerIds: ids.additional };
    const created = await this.sources.track(source, () => source.createCustomerUser(user));
    publishCommitted(this.feed, () => ({ customerUsers: [{ login: created.login, customerIdsBefore: [], customerIdsAfter: created.customerIds }], committedAt: Date.now() }));
    return created;
  }

  /** updateCustomerUser: only the given fields change. */
  async update(login: string, input: CustomerUserPatchInput): Promise<CustomerUserRecord> {
    const [found] = await this.sources.customerUsersByLogins([login]);
    const current = takeRecord(found);
    if (!current) throw new NotFoundError(`Customer user '${login}' does not exist`, 'login');
    const source = this.sources.get(current.sourceId);
    if (!source.capabilities.writableCustomerUsers) {
      throw new ReadOnlyDataSourceError(`Customer user '${current.login}' is in read-only data source '${source.id}'`);
    }
    const given = parseInput(customerUserPatchSchema, input);
    // New customer ids name existing customers, spelled as they spell themselves.
    const patch =
      given.customerId !== undefined || given.additionalCustomerIds !== undefined
        ? await this.existingCustomerIds(
            given.customerId ?? current.customerId,
            given.additionalCustomerIds ?? current.customerIds.slice(1),
            given.customerId === undefined,
          ).then((ids) => ({ ...given, customerId: ids.customerId, additionalCustomerIds: ids.additional }))
        : given;
    const updated = await this.sources.track(source, () => source.updateCustomerUser(current.login, patch));
    publishCommitted(this.feed, () => ({
      customerUsers: [{ login: updated.login, customerIdsBefore: current.customerIds, customerIdsAfter: updated.customerIds }],
      committedAt: Date.now(),
    }));
    return updated;
  }

  /**
   * Checks that each customer id names an existing customer and returns them as the customers
   * spell them. `keepPrimary` skips the check of an unchanged primary id.
   */
  private async existingCustomerIds(primary: string, additional: readonly string[], keepPrimary = false) {
    const wanted = [primary, ...additional];
    const found = await this.sources.customersByIds(wanted);
    const spelled = wanted.map((id, i) => {
      const record = takeRecord(found[i]);
      if (!record) {
        if (i === 0 && keepPrimary) return id;
        const field = i === 0 ? 'customerId' : 'additionalCustomerIds';
        throw new ValidationError(field, `${field}: customer '${id}' does not exist`);
      }
      return record.customerId;
    });
    const [customerId, ...others] = distinctIds(spelled);
    return { customerId: customerId!, additional: others };
  }
}
