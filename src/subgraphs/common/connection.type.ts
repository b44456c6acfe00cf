import type { ClassType } from 'type-graphql';
import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type';

export interface EdgeShape<T> {
  cursor: string;
  node: T;
}

/** Relay connection and edge types for a node type, named `<Name>Connection` and `<Name>Edge`. */
export function connectionTypes<TNode extends object>(nodeType: ClassType<TNode>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field({ description: 'Opaque: give it as `after` to get the items after this one' })
    cursor!: string;

    @Field(() => nodeType, { description: 'The item' })
    node!: TNode;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge], { description: "This page's items, in the list's order, each with its cursor" })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Whether more items follow, and where to ask for them' })
    pageInfo!: PageInfo;
  }

  return { Edge, Connection };
}
