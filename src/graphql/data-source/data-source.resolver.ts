import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { DataSource } from './data-source.type';
import { describeSource } from './data-source.view';

@Resolver(() => DataSource)
export class DataSourceResolver {
  @Query(() => [DataSource], {
    description: 'Configured data sources, in configuration order; writable: true lists those that accept new records.',
  })
  dataSources(@Ctx() ctx: Context, @Arg('writable', () => Boolean, { nullable: true, description: 'true: only sources that accept new records; false: only read-only ones; all when not given.' }) writable?: boolean | null): DataSource[] {
    const all = ctx.app.sources.sources.map((s) => describeSource(s, ctx.app.sources));
    return writable == null ? all : all.filter((s) => s.readOnly === !writable);
  }
}
