import { Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import type { DataSourceCapabilities } from '../../domain/data-source';
import { countryByCode, type CountryInfo } from '../../domain/countries';
import { canWrite, type Context } from '../context';
import { Country } from '../country/country.type';
import type { DynamicFieldValue as DynamicFieldRecord } from '../../domain/dynamic-fields';
import { DataSource } from '../data-source/data-source.type';
import { describeSource } from '../data-source/data-source.view';
import { DynamicFieldValue } from '../dynamic-field/dynamic-field.type';

/** What customers and customer users share: a source, an address, and a key (customer id or login). */
interface SourceRecord {
  readonly sourceId: string;
  readonly countryCode: string | null;
  readonly customerId?: string;
  readonly login?: string;
}

/**
 * The field resolvers common to customers and customer users, written once: `country`,
 * `dataSource`, `readOnly` and `viewerCanUpdate`. A resolver of either type extends the class
 * this returns for its type.
 */
export function SourceRecordResolver<T extends object>(type: ClassType<T>, object: 'customers' | 'customerUsers', noun: string) {
  const writable: keyof DataSourceCapabilities = object === 'customers' ? 'writableCustomers' : 'writableCustomerUsers';

  @Resolver(() => type)
  abstract class SourceRecordFields {
    @FieldResolver(() => Country, { nullable: true, description: 'The country of the address; null when none is recorded.' })
    country(@Root() r: SourceRecord): CountryInfo | null {
      return countryByCode(r.countryCode);
    }

    @FieldResolver(() => DataSource, { description: 'The data source the record comes from.' })
    dataSource(@Root() r: SourceRecord, @Ctx() ctx: Context): DataSource {
      return describeSource(ctx.app.sources.get(r.sourceId), ctx.app.sources);
    }

    @FieldResolver(() => Boolean, { description: "True when the record's data source is read-only." })
    readOnly(@Root() r: SourceRecord, @Ctx() ctx: Context): boolean {
      return !ctx.app.sources.get(r.sourceId).capabilities[writable];
    }

    @FieldResolver(() => [DynamicFieldValue], {
      description: `The valid dynamic fields that have a value for this ${noun}, in the fields' configured order.`,
    })
    dynamicFields(@Root() r: SourceRecord, @Ctx() ctx: Context): Promise<readonly DynamicFieldRecord[]> {
      const key = object === 'customers' ? r.customerId! : r.login!;
      return ctx.loaders.dynamicFields.load({ object: object === 'customers' ? 'customer' : 'customerUser', sourceId: r.sourceId, key });
    }

    @FieldResolver(() => Boolean, { description: `True when the caller may edit this ${noun}: the source is writable and the caller's role allows it.` })
    viewerCanUpdate(@Root() r: SourceRecord, @Ctx() ctx: Context): boolean {
      return canWrite(ctx, ctx.app.sources.get(r.sourceId), object);
    }
  }
  return SourceRecordFields;
}
