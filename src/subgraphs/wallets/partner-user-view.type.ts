import { Extensions, Field, ID, ObjectType } from 'type-graphql';
import { lineStatuses } from '../../core/ledger/line-state';
import type { PartnerUserSource } from '../../app/wallets/partner-view.service';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import { Money } from '../common/money.type';
import { partnerAccessKey, type FieldRule } from '../common/consent-guard';
import { Consent } from './channel-binding.type';

/** The binding a view was read through, for fields resolved later (never a GraphQL field). */
export const viewBindingKey = Symbol('viewBinding');

export const rule = (consent: FieldRule['consent'], mask?: FieldRule['mask']): FieldRule =>
  mask ? { consent, mask } : { consent };

@Extensions({ partnerView: true })
@ObjectType({ description: 'The current bill of a bound user, as a partner may see it (BILL_SUMMARY)' })
export class PartnerBillSummary {
  @Extensions(rule('BILL_SUMMARY'))
  @Field({ description: 'YYYY-MM-DD' })
  dueDate!: string;

  @Extensions(rule('BILL_SUMMARY'))
  @Field({ description: "The bill's BillStatus, by name (a current bill still owes: never PAID or SETTLED)" })
  status!: string;

  @Extensions(rule('BILL_SUMMARY'))
  @Field(() => Money, { description: 'What the bill still owes, interest and penalties included' })
  owed!: Money;

  @Extensions(rule('BILL_SUMMARY'))
  @Field(() => Money, { description: 'What is still to pay to stay current' })
  remainingMinimum!: Money;
}

/**
 * A bound user as a partner sees them: only what the consent covers, masked. A field the consent does
 * not cover answers null with the error code CONSENT_MISSING (the rest of the view still answers).
 * Every answered field is written to the user's data-access log.
 */
@Extensions({ partnerView: true })
@ObjectType()
export class PartnerUserView {
  [viewBindingKey]!: ChannelBindingDoc;

  @Extensions(rule('PARTNER_OWN'))
  @Field(() => ID, { description: "The partner's own id for the user (the only handle it ever sees)" })
  partnerUserId!: string;

  @Extensions(rule('PARTNER_OWN'))
  @Field(() => Consent, { description: 'What the user allowed you, and until when (always shown)' })
  consent!: Consent;

  @Extensions(rule('NAME', 'name'))
  @Field(() => String, { nullable: true, description: "The user's display name, masked (consent NAME)" })
  name!: string | null;

  @Extensions(rule('PHONE', 'phone'))
  @Field(() => String, { nullable: true, description: "The user's mobile number, masked (consent PHONE)" })
  phone!: string | null;

  @Extensions(rule('CREDIT_STATUS'))
  @Field(() => String, { nullable: true, description: `One of ${lineStatuses.join(', ')}` })
  creditStatus!: string | null;

  @Extensions(rule('AVAILABLE_CREDIT'))
  @Field(() => Money, {
    nullable: true,
    description: 'What the user can spend now: 0 unless the line is ACTIVE (null without a line)',
  })
  availableCredit!: Money | null;

  @Extensions(rule('BILL_SUMMARY'))
  @Field(() => PartnerBillSummary, { nullable: true, description: 'None when nothing is owed' })
  currentBill!: PartnerBillSummary | null;

  @Extensions(rule('BILL_SUMMARY'))
  @Field(() => String, {
    nullable: true,
    description: 'Subscribe to billUpdated with this as `after` to miss nothing of this user after this read',
  })
  billUpdateCursor!: string | null;

  static from(source: PartnerUserSource): PartnerUserView {
    const bill = source.currentBill;
    return Object.assign(new PartnerUserView(), {
      [partnerAccessKey]: source.access,
      [viewBindingKey]: source.binding,
      partnerUserId: source.binding.partnerUserId,
      consent: Object.assign(new Consent(), source.binding.consent),
      name: source.name,
      phone: source.phone,
      creditStatus: source.creditStatus,
      billUpdateCursor: source.billUpdateCursor,
      availableCredit: source.availableMinor === null ? null : Money.of(source.availableMinor),
      currentBill: bill
        ? Object.assign(new PartnerBillSummary(), {
            [partnerAccessKey]: source.access,
            dueDate: bill.dueDate,
            status: bill.status,
            owed: Money.of(bill.owedMinor),
            remainingMinimum: Money.of(bill.remainingMinimumMinor),
          })
        : null,
    });
  }
}
