import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { DataSourceNode } from './data-source.type';
import { describeSource } from './data-source.view';

@Resolver(() => DataSourceNode)
export class DataSourceResolver {
  @Query(() => [DataSourceNode], {
    description: 'Configured data sources, in configuration order; writable: true lists those that accept new records.',
  })
  dataSources(@Ctx() ctx: Context, @Arg('writable', () => Boolean, { nullable: true, description: 'true: only sources that accept new records; false: only read-only ones; all when not given.' }) writable?: boolean | null): DataSourceNode[] {
    const all = ctx.app.sources.sources.map((s) => describeSource(s, ctx.app.sources));
    return writable == null ? all : all.filter((s) => s.readOnly === !writable);
  }
}
