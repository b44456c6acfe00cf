import { entryCursor } from '../../app/credit/bill-update-cursor';
import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  ledgerCommandDescriptions,
  type LedgerCommandType,
  ledgerCommandTypes,
} from '../../core/ledger/commands';
import { type LineStatus, lineFigures } from '../../core/ledger/line-state';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import { connectionTypes } from '../common/connection.type';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';
import { CreditLineStatus } from './credit-line.type';

export const LedgerEntryType = enumFrom(
  'LedgerEntryType',
  ledgerCommandTypes,
  'What a ledger entry records',
  ledgerCommandDescriptions,
);

@ObjectType({ description: "The line's figures right after a ledger entry" })
export class LineSnapshot {
  @Field(() => CreditLineStatus, { description: 'A freeze or unfreeze (REVIEW_LIMIT) shows here' })
  status!: LineStatus;

  @Field(() => Money, { description: 'The credit limit after the entry' })
  limit!: Money;

  @Field(() => Money, { description: 'Outstanding principal after the entry' })
  used!: Money;

  @Field(() => Money, { description: 'Authorized but not yet captured, after the entry' })
  held!: Money;

  @Field(() => Money, { description: 'What could be spent after the entry: 0 unless the line was ACTIVE' })
  available!: Money;

  @Field(() => Money, {
    description:
      'Money on account after the entry: overpayments and refunds of paid principal (without what is set aside: creditSetAside)',
  })
  creditBalance!: Money;

  @Field(() => Money, {
    description:
      'Credit balance set aside after the entry for repayments the payment source had not answered',
  })
  creditSetAside!: Money;
}

@ObjectType({ description: 'One append-only ledger entry: every change to a credit line is one' })
export class LedgerEntry {
  @Field(() => ID, { description: "The entry's id" })
  id!: string;

  @Field(() => Int, { description: "The entry's place in the line's ledger: 1, 2, 3... with no gaps" })
  sequence!: number;

  @Field(() => LedgerEntryType, { description: 'What the entry records' })
  type!: LedgerCommandType;

  @Field(() => String, {
    nullable: true,
    description: 'A refused authorization: the named reason (nothing changed)',
  })
  refusal!: string | null;

  @Field(() => Money, {
    description:
      "What the entry is about, in its type's terms: the amount authorized, captured, released, refunded, repaid from the source (or declined), set aside from the credit balance for a repayment, paid out or given back; a bill's total; an accrual's penalty and interest; the limit an opening, a cut, a raise or an unfreeze that makes a waiting cut sets; 0.00 for a reminder, a freeze or another unfreeze. A refused authorization shows what was asked",
  })
  amount!: Money;

  @Field(() => DateTimeISOResolver, { description: 'When it took effect, on the business clock' })
  at!: Date;

  @Field(() => LineSnapshot, {
    description:
      "The line's figures right after this entry (a refused authorization leaves them as they were)",
  })
  balancesAfter!: LineSnapshot;

  @Field({
    description:
      'Subscribe to billUpdated with this as `after` to get every update after this entry: read the ' +
      'ledger, then follow it, with no gap between the two',
  })
  billUpdateCursor!: string;

  static from(doc: LedgerEntryDoc): LedgerEntry {
    const b = lineFigures(doc.stateAfter);
    return Object.assign(new LedgerEntry(), {
      id: doc._id,
      sequence: doc.sequence,
      type: doc.type,
      refusal: doc.rejection ?? null,
      amount: Money.of(doc.amountMinor),
      at: doc.at,
      billUpdateCursor: entryCursor(doc.lineId, doc.sequence),
      balancesAfter: Object.assign(new LineSnapshot(), {
        status: b.status,
        limit: Money.of(b.limitMinor),
        used: Money.of(b.principalMinor),
        held: Money.of(b.heldMinor),
        available: Money.of(b.availableMinor),
        creditBalance: Money.of(b.creditBalanceMinor),
        creditSetAside: Money.of(doc.stateAfter.reservedCreditMinor ?? 0),
      }),
    });
  }
}

export const { Connection: LedgerEntryConnection } = connectionTypes(LedgerEntry, 'LedgerEntry');
export type LedgerEntryConnection = InstanceType<typeof LedgerEntryConnection>;
