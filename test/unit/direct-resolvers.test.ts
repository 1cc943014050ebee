import 'reflect-metadata';
import { graphql, isInterfaceType, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { buildSchemaSync, Ctx, Field, FieldResolver, Info, Int, InterfaceType, ObjectType, Query, Resolver, Root, UseMiddleware, Arg } from 'type-graphql';
import { appExecutableSchema, buildAppSchema } from '../../src/graphql/schema';
import { buildExecutableSchema } from '../../src/graphql/execution';

@ObjectType()
class Probe {
  @Field(() => Int)
  n!: number;
}

/** The root as the service's resolvers type it: an interface (no class for type-graphql to convert to). */
interface ProbeRow {
  readonly n: number;
}

let middlewareRuns = 0;
let instances = 0;

@Resolver(() => Probe)
class ProbeResolver {
  constructor() {
    instances++;
  }

  @Query(() => [Probe])
  probes(): Probe[] {
    return [{ n: 1 }, { n: 2 }, { n: 3 }];
  }

  @FieldResolver(() => String)
  plain(@Root() p: ProbeRow, @Ctx() ctx: { suffix: string }, @Info() info: GraphQLResolveInfo): string {
    return `${p.n}${ctx.suffix}@${info.fieldName}`;
  }

  @FieldResolver(() => Int)
  rootOnly(@Root() p: ProbeRow): number {
    return p.n * 10;
  }

  @FieldResolver(() => String)
  swapped(@Ctx() ctx: { suffix: string }, @Root() p: ProbeRow): string {
    return `${ctx.suffix}${p.n}`;
  }

  @UseMiddleware(async (_data, next) => {
    middlewareRuns++;
    return next();
  })
  @FieldResolver(() => Int)
  guarded(@Root() p: ProbeRow): number {
    return p.n;
  }

  /** A class-typed root: type-graphql converts the value to an instance, so the handler stays. */
  @FieldResolver(() => Boolean)
  converted(@Root() p: Probe): boolean {
    return p instanceof Probe;
  }

  @FieldResolver(() => Int)
  withArg(@Root() p: ProbeRow, @Arg('times', () => Int) times: number): number {
    return p.n * times;
  }
}

@InterfaceType({ resolveType: () => 'Square' })
abstract class Shape {
  @Field(() => Int)
  side!: number;
}

@ObjectType({ implements: Shape })
class Square extends Shape {}

@Resolver(() => Shape)
class ShapeResolver {
  @Query(() => [Shape])
  shapes(): Shape[] {
    return [{ side: 2 }];
  }

  @FieldResolver(() => String)
  label(@Root() s: ProbeRow & { side: number }): string {
    return `shape ${s.side}`;
  }
}

@Resolver(() => Square)
class InjectedResolver {
  constructor(private readonly factor?: number) {}

  @FieldResolver(() => Int)
  twice(@Root() s: { side: number }): number {
    return s.side * (this.factor ?? 2);
  }
}

@Resolver(() => Square)
class BaseSquareResolver {
  @FieldResolver(() => Int)
  inherited(@Root() s: { side: number }): number {
    return s.side + 3;
  }
}

@Resolver(() => Square)
class DerivedResolver extends BaseSquareResolver {
  @FieldResolver(() => Int)
  own(@Root() s: { side: number }): number {
    return s.side + 1;
  }
}

@InterfaceType({ resolveType: async () => 'Circle' })
abstract class Round {
  @Field(() => Int)
  r!: number;
}

@ObjectType({ implements: Round })
class Circle extends Round {}

@Resolver(() => Round)
class RoundResolver {
  @Query(() => [Round])
  rounds(): Round[] {
    return [{ r: 1 }];
  }
}

const QUERY = '{ probes { n plain rootOnly swapped guarded converted withArg(times: 3) } }';
const EXPECTED = {
  probes: [1, 2, 3].map((n) => ({ n, plain: `${n}!@plain`, rootOnly: n * 10, swapped: `!${n}`, guarded: n, converted: true, withArg: n * 3 })),
};

describe('direct field resolvers (type-graphql handler bypassed)', () => {
  test('fields with only @Root, @Ctx and @Info answer as before; middlewares and arguments keep the handler, each with its reason', async () => {
    const reference = buildExecutableSchema({ resolvers: [ProbeResolver], validate: false }, { mode: 'reference' });
    expect(reference.fastPath).toBeNull();
    const before = await graphql({ schema: reference.schema, source: QUERY, contextValue: { suffix: '!' } });
    expect(before).toEqual({ data: EXPECTED });
    const handlers = Object.fromEntries(Object.entries((reference.schema.getType('Probe') as GraphQLObjectType).getFields()).map(([k, f]) => [k, String(f.resolve)]));

    const compiled = buildExecutableSchema({ resolvers: [ProbeResolver], validate: false }, { mode: 'compiled' });
    expect(compiled.fastPath!.direct).toEqual(['Probe.plain', 'Probe.rootOnly', 'Probe.swapped']);
    expect(compiled.fastPath!.handler).toEqual([
      { field: 'Probe.guarded', reason: 'has middlewares' },
      { field: 'Probe.converted', reason: 'its root is typed as a class (type-graphql converts it)' },
      { field: 'Probe.withArg', reason: 'takes arguments or a custom parameter' },
    ]);
    const after = (compiled.schema.getType('Probe') as GraphQLObjectType).getFields();
    expect(String(after.plain!.resolve)).not.toBe(handlers.plain);
    expect(String(after.rootOnly!.resolve)).not.toBe(handlers.rootOnly);
    expect(String(after.swapped!.resolve)).not.toBe(handlers.swapped);
    expect(String(after.guarded!.resolve)).toBe(handlers.guarded);
    expect(String(after.withArg!.resolve)).toBe(handlers.withArg);
    expect(String(after.converted!.resolve)).toBe(handlers.converted);
    // The reference schema is another object, untouched.
    expect(String((reference.schema.getType('Probe') as GraphQLObjectType).getFields().plain!.resolve)).toBe(handlers.plain);

    middlewareRuns = 0;
    instances = 0;
    const result = await graphql({ schema: compiled.schema, source: QUERY, contextValue: { suffix: '!' } });
    expect(result).toEqual({ data: EXPECTED });
    expect(middlewareRuns).toBe(3);
    // One instance for the direct resolvers, made at build time, none per call.
    expect(instances).toBeLessThanOrEqual(1);
  });

  test('a global middleware, an auth checker or a container fails the compiled build with the reason; reference builds take them', () => {
    const options = { resolvers: [ProbeResolver] as [typeof ProbeResolver], validate: false };
    const middleware = async (_: unknown, next: () => Promise<unknown>) => next();
    expect(() => buildExecutableSchema({ ...options, globalMiddlewares: [middleware] })).toThrow(/compiled execution: the schema is built with global middlewares/);
    expect(() => buildExecutableSchema({ ...options, authChecker: () => true })).toThrow(/compiled execution: the schema is built with an auth checker/);
    expect(() => buildExecutableSchema({ ...options, container: { get: (c: new () => unknown) => new c() } })).toThrow(/compiled execution: the schema is built with a container/);
    expect(buildExecutableSchema({ ...options, globalMiddlewares: [middleware], authChecker: () => true }, { mode: 'reference' }).fastPath).toBeNull();
  });

  // @Authorized needs an auth checker, which the compiled build refuses (above).
  test('constructor arguments and interface fields keep the handler, each named; inherited field resolvers are direct', async () => {
    const built = buildExecutableSchema({ resolvers: [ShapeResolver, InjectedResolver, DerivedResolver], validate: false, orphanedTypes: [Square] });
    expect(built.fastPath!.handler).toEqual(
      expect.arrayContaining([
        { field: 'Shape.label', reason: 'declared on an interface' },
        { field: 'Square.twice', reason: 'its class takes constructor arguments' },
      ]),
    );
    // An inherited field resolver is called on the subclass's instance, as type-graphql does.
    expect([...built.fastPath!.direct].sort()).toEqual(['Square.inherited', 'Square.own']);
    expect(built.fastPath!.syncResolveTypes).toEqual(['Shape']);
    const r = await graphql({ schema: built.schema, source: '{ shapes { label ... on Square { side twice own inherited } } }' });
    expect(r).toEqual({ data: { shapes: [{ label: 'shape 2', side: 2, twice: 4, own: 3, inherited: 5 }] } });
    expect(isInterfaceType(built.schema.getType('Shape'))).toBe(true);
  });

  test('a resolveType that answers with a promise works in reference mode and fails loudly in compiled mode', async () => {
    const query = '{ rounds { r } }';
    const reference = buildExecutableSchema({ resolvers: [RoundResolver], validate: false, orphanedTypes: [Circle] }, { mode: 'reference' });
    expect(await graphql({ schema: reference.schema, source: query })).toEqual({ data: { rounds: [{ r: 1 }] } });
    const compiled = buildExecutableSchema({ resolvers: [RoundResolver], validate: false, orphanedTypes: [Circle] });
    const r = await graphql({ schema: compiled.schema, source: query });
    expect(r.errors?.map((e) => e.message)).toEqual(['resolveType of Round returned a promise: compiled execution needs it synchronous']);
  });

  test("the service's row fields are direct, its paged fields keep type-graphql's handler", () => {
    const schema = buildAppSchema();
    const customer = (schema.getType('Customer') as GraphQLObjectType).getFields();
    // A direct resolver is one of the small closures of direct-resolvers.ts (4 parameters at most, no handler body).
    const isDirect = (f: { resolve?: unknown }) => typeof f.resolve === 'function' && !/getParams|applyMiddlewares/.test(String(f.resolve)) && String(f.resolve).length < 120;
    for (const name of ['id', 'ticketCounts', 'country', 'dataSource', 'readOnly', 'viewerCanUpdate']) expect([name, isDirect(customer[name]!)]).toEqual([name, true]);
    for (const name of ['tickets', 'customerUsers', 'openTickets']) expect([name, isDirect(customer[name]!)]).toEqual([name, false]);
    // Every field resolver of the service is accounted for: direct, or the handler because it takes arguments.
    const fast = appExecutableSchema('compiled').fastPath!;
    expect(fast.direct).toEqual(expect.arrayContaining(['Customer.id', 'Customer.country', 'Customer.dataSource', 'CustomerUser.readOnly', 'Ticket.customer']));
    expect(new Set(fast.handler.map((h) => h.reason))).toEqual(new Set(['takes arguments or a custom parameter']));
    expect(fast.syncResolveTypes).toEqual(['Node']);
  });
});
