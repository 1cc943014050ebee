import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page, Slice, SortKey } from '../../domain/page';
import type { EncodingCache } from '../execution/encoding-cache';
import { encodeCursor } from './cursor';

@ObjectType({ simpleResolvers: true, description: 'Where a page lies in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'More records follow the last one of this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'More records precede the first one of this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Opaque cursor of the first node: pass it as `before` to get the previous page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Opaque cursor: pass it as `after` to get the next page.' })
  endCursor!: string | null;
}

/** An edge of a connection: a node with its cursor. */
export interface EdgeValue<T> {
  readonly cursor: string;
  readonly node: T;
}

/**
 * The one connection shape: `<Node>Connection` with `nodes`, `edges { cursor node }`,
 * `pageInfo` and `totalCount`, and its `<Node>Edge` type. Subclass it to add fields.
 */
export function Connection<TNode extends object>(node: ClassType<TNode>) {
  @ObjectType(`${node.name}Edge`, { simpleResolvers: true, description: `A ${node.name} with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque cursor of this node: pass it as `after` or `before`.' })
    cursor!: string;

    @Field(() => node, { description: `The ${node.name}.` })
    node!: TNode;
  }

  @ObjectType()
  abstract class ConnectionBase {
    @Field(() => [node], { description: 'The records of this page, in list order.' })
    nodes!: TNode[];

    @Field(() => [Edge], { description: 'The records of this page with their cursors, in list order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Where this page lies in the list.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many records the whole list holds (all pages).' })
    totalCount!: number;
  }
  return ConnectionBase;
}


/**
 * The root object of every *Connection type. Its page and its total are loaded only when the
 * query selects them, and each at most once. Once loaded (or when built over a loaded page) the
 * fields answer synchronously: compiled execution then takes no promise hop per field.
 */
export class LazyConnection<T> {
  private slice?: Promise<Slice<T>>;
  private total?: Promise<number>;
  private loaded?: Slice<T>;
  private loadedTotal?: number;
  private loadedUnavailable?: readonly unknown[];

  constructor(
    /** The service's encodings of cursors. */
    private readonly encodings: EncodingCache,
    private readonly loadSlice: () => Promise<Slice<T>>,
    private readonly loadTotal: () => Promise<number>,
    private readonly key: (t: T) => SortKey,
    /** The sources a merged list left out (connections of customers and customer users). */
    private readonly loadUnavailable: () => Promise<readonly unknown[]> = () => Promise.resolve([]),
  ) {}

  /** A connection over an already loaded page with its total. */
  static of<T>(encodings: EncodingCache, page: Page<T>, key: (t: T) => SortKey, unavailable: readonly unknown[] = []): LazyConnection<T> {
    const connection = new LazyConnection(
      encodings,
      () => Promise.resolve(page),
      () => Promise.resolve(page.totalCount),
      key,
      () => Promise.resolve(unavailable),
    );
    connection.loaded = page;
    connection.loadedTotal = page.totalCount;
    connection.loadedUnavailable = unavailable;
    return connection;
  }

  get unavailableSources(): readonly unknown[] | Promise<readonly unknown[]> {
    return this.loadedUnavailable ?? this.loadUnavailable();
  }

  get nodes(): readonly T[] | Promise<readonly T[]> {
    return this.loaded ? this.loaded.nodes : this.getSlice().then((s) => s.nodes);
  }

  get edges(): EdgeValue<T>[] | Promise<EdgeValue<T>[]> {
    return this.loaded ? this.edgesOf(this.loaded) : this.getSlice().then((s) => this.edgesOf(s));
  }

  get pageInfo(): PageInfo | Promise<PageInfo> {
    return this.loaded ? pageInfoOf(this.loaded, this.encodings) : this.getSlice().then((s) => pageInfoOf(s, this.encodings));
  }

  get totalCount(): number | Promise<number> {
    return this.loadedTotal ?? (this.total ??= this.loadTotal().then((n) => (this.loadedTotal = n)));
  }

  /** The page (loaded once). */
  getSlice(): Promise<Slice<T>> {
    return (this.slice ??= this.loaded ? Promise.resolve(this.loaded) : this.loadSlice().then((s) => (this.loaded = s)));
  }

  private edgesOf(s: Slice<T>): EdgeValue<T>[] {
    return s.nodes.map((node) => ({ cursor: encodeCursor(this.key(node), this.encodings), node }));
  }
}

function pageInfoOf<T>(s: Slice<T>, encodings: EncodingCache): PageInfo {
  return {
    hasNextPage: s.hasNextPage,
    hasPreviousPage: s.hasPreviousPage,
    startCursor: s.startKey ? encodeCursor(s.startKey, encodings) : null,
    endCursor: s.endKey ? encodeCursor(s.endKey, encodings) : null,
  };
}
