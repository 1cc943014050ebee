import 'reflect-metadata';
import { graphql, type GraphQLResolveInfo } from 'graphql';
import { buildSchemaSync, Ctx, Field, FieldResolver, Info, Int, ObjectType, Query, Resolver, Root, UseMiddleware, Arg } from 'type-graphql';
import { buildAppSchema } from '../../src/graphql/schema';
import { installDirectResolvers } from '../../src/graphql/direct-resolvers';

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

const QUERY = '{ probes { n plain rootOnly swapped guarded converted withArg(times: 3) } }';
const EXPECTED = {
  probes: [1, 2, 3].map((n) => ({ n, plain: `${n}!@plain`, rootOnly: n * 10, swapped: `!${n}`, guarded: n, converted: true, withArg: n * 3 })),
};

describe('direct field resolvers (type-graphql handler bypassed)', () => {
  test('fields with only @Root, @Ctx and @Info answer as before; middlewares and arguments keep the handler', async () => {
    const schema = buildSchemaSync({ resolvers: [ProbeResolver], validate: false });
    const before = await graphql({ schema, source: QUERY, contextValue: { suffix: '!' } });
    expect(before).toEqual({ data: EXPECTED });
    const fields = schema.getType('Probe') as import('graphql').GraphQLObjectType;
    const handlers = Object.fromEntries(Object.entries(fields.getFields()).map(([k, f]) => [k, f.resolve]));

    expect(installDirectResolvers(schema)).toBe(3);
    const after = fields.getFields();
    expect(after.plain!.resolve).not.toBe(handlers.plain);
    expect(after.rootOnly!.resolve).not.toBe(handlers.rootOnly);
    expect(after.swapped!.resolve).not.toBe(handlers.swapped);
    expect(after.guarded!.resolve).toBe(handlers.guarded);
    expect(after.withArg!.resolve).toBe(handlers.withArg);
    expect(after.converted!.resolve).toBe(handlers.converted);

    middlewareRuns = 0;
    instances = 0;
    const result = await graphql({ schema, source: QUERY, contextValue: { suffix: '!' } });
    expect(result).toEqual({ data: EXPECTED });
    expect(middlewareRuns).toBe(3);
    // One instance for the direct resolvers, made at install time, none per call.
    expect(instances).toBeLessThanOrEqual(1);
  });

  test("the service's row fields are direct, its paged fields keep type-graphql's handler", () => {
    const schema = buildAppSchema();
    const customer = (schema.getType('Customer') as import('graphql').GraphQLObjectType).getFields();
    // A direct resolver is one of the small closures of direct-resolvers.ts (4 parameters at most, no handler body).
    const isDirect = (f: { resolve?: unknown }) => typeof f.resolve === 'function' && !/getParams|applyMiddlewares/.test(String(f.resolve)) && String(f.resolve).length < 120;
    for (const name of ['id', 'ticketCounts', 'country', 'dataSource', 'readOnly', 'viewerCanUpdate']) expect([name, isDirect(customer[name]!)]).toEqual([name, true]);
    for (const name of ['tickets', 'customerUsers', 'openTickets']) expect([name, isDirect(customer[name]!)]).toEqual([name, false]);
  });
});
