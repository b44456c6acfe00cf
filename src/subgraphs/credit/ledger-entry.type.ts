import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { lineAvailableMinor } from '../../core/ledger/balances';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import { connectionTypes } from '../common/connection.type';
import { Money } from '../common/money.type';

@ObjectType({ description: "The line's figures right after a ledger entry" })
export class LineSnapshot {
  @Field(() => Money)
  limit!: Money;

  @Field(() => Money)
  used!: Money;

  @Field(() => Money)
  held!: Money;

  @Field(() => Money)
  available!: Money;

  @Field(() => Money)
  creditBalance!: Money;
}

@ObjectType({ description: 'One append-only ledger entry: every change to a credit line is one' })
export class LedgerEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  sequence!: number;

  @Field({ description: 'OPEN, AUTHORIZE, CAPTURE, VOID, REFUND' })
  type!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => DateTimeISOResolver)
  at!: Date;

  @Field(() => LineSnapshot)
  balancesAfter!: LineSnapshot;

  static from(doc: LedgerEntryDoc): LedgerEntry {
    const b = doc.balancesAfter;
    return Object.assign(new LedgerEntry(), {
      id: doc._id,
      sequence: doc.sequence,
      type: doc.type,
      amount: Money.of(doc.amountMinor),
      at: doc.at,
      balancesAfter: Object.assign(new LineSnapshot(), {
        limit: Money.of(b.limitMinor),
        used: Money.of(b.principalMinor),
        held: Money.of(b.heldMinor),
        available: Money.of(lineAvailableMinor(b)),
        creditBalance: Money.of(b.creditBalanceMinor),
      }),
    });
  }
}

export const { Connection: LedgerEntryConnection } = connectionTypes(LedgerEntry, 'LedgerEntry');
export type LedgerEntryConnection = InstanceType<typeof LedgerEntryConnection>;
