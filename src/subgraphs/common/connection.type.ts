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
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }

  return { Edge, Connection };
}
