import type * as domain from '../../domain/data-source';
import { DataSourceObject } from '../../domain/records';
import type { DataSourceRegistry } from '../../registry/data-source-registry';
import type { DataSource } from './data-source.type';

/** The GraphQL view of a configured source. */
export function describeSource(source: domain.DataSource, registry: DataSourceRegistry): DataSource {
  const c = source.capabilities;
  const objects = [
    ...(c.customers ? [DataSourceObject.CUSTOMER] : []),
    ...(c.customerUsers ? [DataSourceObject.CUSTOMER_USER] : []),
  ];
  return {
    id: source.id,
    name: source.name,
    kind: source.kind,
    readOnly: !(c.writableCustomers || c.writableCustomerUsers),
    objects,
    available: registry.statusOf(source.id).available,
  };
}
