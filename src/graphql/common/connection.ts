import { Field, ObjectType } from 'type-graphql';
import type { SortKey } from '../../domain/page';
import { encodeCursor } from './cursor';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Opaque cursor: pass it as `after` to get the next page.' })
  endCursor!: string | null;
}

/** A slice of a list, as loaders return it. */
export interface Slice<T> {
  readonly nodes: readonly T[];
  readonly hasNextPage: boolean;
  readonly endKey: SortKey | null;
}

/**
 * The root object of every *Connection type. Its nodes and its total are loaded only when the
 * query selects them, and each at most once.
 */
export class LazyConnection<T> {
  private slice?: Promise<Slice<T>>;
  private total?: Promise<number>;

  constructor(
    private readonly loadSlice: () => Promise<Slice<T>>,
    private readonly loadTotal: () => Promise<number>,
  ) {}

  /** A connection over an already loaded page with its total. */
  static of<T>(page: Slice<T> & { totalCount: number }): LazyConnection<T> {
    return new LazyConnection(
      () => Promise.resolve(page),
      () => Promise.resolve(page.totalCount),
    );
  }

  get nodes(): Promise<readonly T[]> {
    return this.getSlice().then((s) => s.nodes);
  }

  get pageInfo(): Promise<PageInfo> {
    return this.getSlice().then((s) => ({ hasNextPage: s.hasNextPage, endCursor: s.endKey ? encodeCursor(s.endKey) : null }));
  }

  get totalCount(): Promise<number> {
    return (this.total ??= this.loadTotal());
  }

  private getSlice(): Promise<Slice<T>> {
    return (this.slice ??= this.loadSlice());
  }
}
