import { DateTimeISOResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import type { BillUpdateEvent } from '../../app/credit/bill-updates.service';
import type { BillStatus as Status, BillSummary } from '../../core/billing/bill-status';
import { billUpdateKinds } from '../../core/ledger/bill-updates';
import {
  noBillUpdateConsent,
  partnerConsentsByKind,
  partnerStreamKinds,
  streamEndCodes,
  type StreamEndCode as StreamEndCodeValue,
  unsharedUnlessAboutBill,
} from '../../core/partners/bill-update-consent';
import { enumFrom } from '../common/enum-from';
import { Money } from '../common/money.type';
import { BillStatus } from './bill.type';

export const BillUpdateKind = enumFrom(
  'BillUpdateKind',
  [...billUpdateKinds, ...partnerStreamKinds],
  "What happened on the line: one per ledger entry that changes a bill or the line; on a partner's stream also BINDING_ENDED",
  {
    LINE_OPENED: 'The line was opened',
    PURCHASE_AUTHORIZED: 'A checkout put a hold on the line',
    PURCHASE_CAPTURED:
      'A hold became a charge (the order shipped; in part: the rest of the hold was released)',
    AUTHORIZATION_VOIDED: 'A hold was released without charge (cancelled or expired)',
    REFUND_CREDITED: 'A refund: unbilled principal shrank, a bill was credited, or the balance grew',
    STATEMENT_ISSUED: 'A statement was cut: the bill named',
    REPAYMENT_SUCCEEDED: 'A repayment landed',
    REPAYMENT_FAILED: 'The payment source declined a repayment; nothing moved',
    DUE_SOON_REMINDER: 'The bill named is due within days with its minimum unpaid',
    OVERDUE: 'The bill named went overdue',
    PENALTY_ACCRUED: 'Daily penalties accrued on an overdue bill',
    INTEREST_ACCRUED: 'Daily interest accrued on what a bill carries past its due day',
    CREDIT_BALANCE_CHANGED: 'The credit balance was paid out, given back, or set aside for a repayment',
    LIMIT_CHANGED:
      'The daily review raised or cut the limit (a cut made as a frozen line opens comes as LINE_STATUS_CHANGED)',
    LINE_STATUS_CHANGED:
      'The daily review froze the line, or it is active again once nothing is overdue (opened by the payment or refund that paid the last overdue bill, else by the daily review; opening, it makes a limit cut that was waiting)',
    BINDING_ENDED:
      "Partner streams only, from no ledger entry: the user's binding ended (withdrawn, or its consent ran out; `endedBecause` says which, `occurredAt` when). The stream follows that user no more and goes on with the others; a user who binds again is followed from the new grant",
  },
);

export const BindingEndedBecause = enumFrom(
  'BindingEndedBecause',
  streamEndCodes,
  "Why a partner's stream no longer follows a user: the code a read of that user now gets",
  {
    BINDING_NOT_ACTIVE: 'The user withdrew the binding (or it can no longer be read)',
    CONSENT_EXPIRED:
      'Its consent ran out (before any withdrawal, or replaced by a new grant after it ran out)',
  },
);

@ObjectType({ description: 'A bill as one ledger entry left it (exact at that moment, also in a replay)' })
export class BillSnapshot {
  @Field({ description: 'YYYY-MM-DD' })
  dueDate!: string;

  @Field(() => BillStatus, { description: "The bill's status right after the entry (`Bill.status`)" })
  status!: Status;

  @Field(() => Money, { description: 'What the bill still owed right after the entry' })
  owed!: Money;

  @Field(() => Money, { description: 'What is still to pay to stay current' })
  remainingMinimum!: Money;

  static from(bill: BillSummary): BillSnapshot {
    return Object.assign(new BillSnapshot(), {
      dueDate: bill.dueDate,
      status: bill.status,
      owed: Money.of(bill.owedMinor),
      remainingMinimum: Money.of(bill.remainingMinimumMinor),
    });
  }
}

@ObjectType({ description: 'Something that changed a bill or the credit line, in ledger order' })
export class BillUpdate {
  @Field({ description: 'Give it back as `after` to resume right after this update' })
  cursor!: string;

  @Field(() => BillUpdateKind, {
    description: `Partners hear of ${Object.entries(partnerConsentsByKind)
      .map(([kind, consent]) => `${kind} only with ${consent} consent`)
      .join(
        ', ',
      )}; of an update about no bill (a purchase not billed yet, its void, refund or prepayment) only with ${noBillUpdateConsent} consent; of ${unsharedUnlessAboutBill.join(', ')} about no bill (a payout, a balance set aside), never`,
  })
  kind!: string;

  @Field(() => DateTimeISOResolver, {
    description: 'Business time of the ledger entry (BINDING_ENDED: when the binding ended)',
  })
  occurredAt!: Date;

  @Field(() => ID, {
    nullable: true,
    description: "Partner streams: your own id for the user (a user's own stream: null)",
  })
  partnerUserId!: string | null;

  @Field(() => Money, {
    nullable: true,
    description:
      'Available credit right after this update. Partners: null unless the consent covers AVAILABLE_CREDIT',
  })
  availableAfter!: Money | null;

  @Field(() => BillSnapshot, {
    nullable: true,
    description:
      "The bill this update is about, right after it; for an update about no bill (a purchase, a void), the line's current bill, unchanged by it; null when none is owing",
  })
  billAfter!: BillSnapshot | null;

  @Field(() => BindingEndedBecause, {
    nullable: true,
    description: 'BINDING_ENDED only: why the binding ended; otherwise null',
  })
  endedBecause!: StreamEndCodeValue | null;

  lineId!: string;
  billId!: string | null;

  static from(event: BillUpdateEvent): BillUpdate {
    return Object.assign(new BillUpdate(), {
      cursor: event.cursor,
      kind: event.kind,
      occurredAt: event.occurredAt,
      partnerUserId: event.partnerUserId,
      availableAfter: event.availableAfterMinor === null ? null : Money.of(event.availableAfterMinor),
      billAfter: event.billAfter ? BillSnapshot.from(event.billAfter) : null,
      endedBecause: event.endedBecause,
      lineId: event.lineId,
      billId: event.billId,
    });
  }
}
