import { Field, ID, InterfaceType } from 'type-graphql';

/** Tells the record types apart for `Node` (records carry no type tag). */
export function nodeTypeOf(value: object): string {
  if ('login' in value) return 'CustomerUser';
  if ('number' in value) return 'Ticket';
  return 'Customer';
}

@InterfaceType('Node', { description: 'An object with a global id.', resolveType: nodeTypeOf })
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id, stable for the life of the record: renaming a customer id or a login keeps it.' })
  id!: string;
}
