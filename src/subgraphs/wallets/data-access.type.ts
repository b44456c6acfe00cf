import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { DataAccessDoc } from '../../storage/models/data-access.model';
import { connectionTypes } from '../common/connection.type';
import { ConsentField } from './consent-field.enum';

@ObjectType({ description: 'One partner read of your personal data' })
export class DataAccessRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  bindingId!: string;

  @Field(() => [ConsentField])
  fields!: string[];

  @Field()
  purpose!: string;

  @Field({ description: 'The GraphQL operation the partner ran' })
  operation!: string;

  @Field(() => DateTimeISOResolver)
  at!: Date;

  partnerId!: string;

  static from(doc: DataAccessDoc): DataAccessRecord {
    return Object.assign(new DataAccessRecord(), {
      id: doc._id,
      bindingId: doc.bindingId,
      fields: doc.fields,
      purpose: doc.purpose,
      operation: doc.operation,
      at: doc.at,
      partnerId: doc.partnerId,
    });
  }
}

export const { Connection: DataAccessConnection, Edge: DataAccessEdge } = connectionTypes(
  DataAccessRecord,
  'DataAccess',
);
