import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { SortKey } from '../../domain/page';
import type { MergedPage } from '../../registry/data-source-registry';
import { LazyConnection } from '../common/connection';
import type { Context } from '../context';
import { describeSource } from './data-source.view';

/**
 * The connection of a list merged over several sources: reports the sources it left out as
 * partial errors of this field, and names them in `unavailableSources`.
 */
export function mergedConnection<T>(ctx: Context, info: GraphQLResolveInfo, page: MergedPage<T>, key: (t: T) => SortKey): LazyConnection<T> {
  ctx.partialErrors.report(page.failures, responsePathAsArray(info.path));
  return LazyConnection.of(ctx.app.encodings, page, key, unavailableNodes(ctx, page));
}

/** A merged list loaded later (through a loader); see {@link mergedConnection}. */
export function lazyMergedConnection<T>(ctx: Context, info: GraphQLResolveInfo, load: () => Promise<MergedPage<T>>, key: (t: T) => SortKey): LazyConnection<T> {
  const path = responsePathAsArray(info.path);
  const loaded = () =>
    load().then((page) => {
      ctx.partialErrors.report(page.failures, path);
      return page;
    });
  return new LazyConnection(ctx.app.encodings, loaded, () => loaded().then((p) => p.totalCount), key, () => loaded().then((p) => unavailableNodes(ctx, p)));
}

function unavailableNodes(ctx: Context, page: MergedPage<unknown>) {
  return page.unavailableSources.map((id) => describeSource(ctx.app.sources.get(id), ctx.app.sources));
}
