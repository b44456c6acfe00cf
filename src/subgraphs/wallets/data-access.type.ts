import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { DataAccessDoc } from '../../storage/models/data-access.model';
import { connectionTypes } from '../common/connection.type';
import { ConsentField } from './consent-field.enum';

@ObjectType({ description: 'One partner read of your personal data' })
export class DataAccessRecord {
  @Field(() => ID, { description: "The record's id" })
  id!: string;

  @Field(() => ID, { description: 'The binding the partner read through (`ChannelBinding.id`)' })
  bindingId!: string;

  @Field(() => [ConsentField], {
    description:
      'The consent fields the read disclosed: a query lists the fields it answered; a billUpdated batch lists what its updates could show (BILL_SUMMARY, AVAILABLE_CREDIT when consented, CREDIT_STATUS for a status change), whatever the subscription selected',
  })
  fields!: string[];

  @Field({ description: "The consent's purpose, as the partner gave it" })
  purpose!: string;

  @Field({ description: 'The GraphQL operation the partner ran' })
  operation!: string;

  @Field(() => DateTimeISOResolver, { description: "When the partner's request read them (business time)" })
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
