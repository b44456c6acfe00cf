import { paymentCodeDigits, paymentCodeTtlSeconds } from '../../core/partners/consent';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { PaymentResult } from '../../app/wallets/partner-payment.service';
import { decimalInput, optionalDecimalInput } from '../common/decimal-input';
import { mapConnection } from '../common/map-connection';
import { afterDescription, firstDescription } from '../common/page-args';
import { UserError } from '../common/user-error.type';
import { codePayload } from './binding.mutations';
import { PartnerPayment, PartnerPaymentConnection } from './partner-payment.type';
import { CodePayload, PartnerPaymentPayload } from './wallets.payloads';
import {
  CapturePartnerPaymentInput,
  PartnerCheckoutInput,
  PartnerPaymentIdInput,
  PhoneTopUpInput,
  RedeemPaymentCodeInput,
  RefundPartnerPaymentInput,
} from './wallets.inputs';
import type { WalletsContext } from './wallets.context';

/** Payments partners take for bound users, and what they do with them afterwards. */
@Resolver()
export class PartnerPaymentMutations {
  @Mutation(() => PartnerPaymentPayload, {
    description: 'Wallet partner (scope payments): authorize a payment for a bound user; capture it later',
  })
  async partnerCheckout(
    @Arg('input', () => PartnerCheckoutInput, {
      description:
        'The bound user, your order reference, the amount, category and plan, and an idempotency key',
    })
    input: PartnerCheckoutInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerPaymentPayload> {
    const amountMinor = decimalInput(input.amount);
    if (amountMinor instanceof UserError) return failed(amountMinor);
    return paymentPayload(
      await ctx.services.partnerPayments.partnerCheckout(ctx.viewer, { ...input, amountMinor }),
    );
  }

  @Mutation(() => PartnerPaymentPayload, {
    description: 'Telecom partner (scope topup): top up a phone for a bound user, captured at once',
  })
  async phoneTopUp(
    @Arg('input', () => PhoneTopUpInput, {
      description: 'The bound user, the number to top up, the amount, and an idempotency key',
    })
    input: PhoneTopUpInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerPaymentPayload> {
    const amountMinor = decimalInput(input.amount);
    if (amountMinor instanceof UserError) return failed(amountMinor);
    return paymentPayload(
      await ctx.services.partnerPayments.phoneTopUp(ctx.viewer, { ...input, amountMinor }),
    );
  }

  @Mutation(() => CodePayload, {
    description: `User: one ${paymentCodeDigits}-digit code for one offline payment (FULL), valid ${paymentCodeTtlSeconds} seconds`,
  })
  async createPaymentCode(@Ctx() ctx: WalletsContext): Promise<CodePayload> {
    return codePayload(await ctx.services.partnerPayments.createPaymentCode(ctx.viewer));
  }

  @Mutation(() => PartnerPaymentPayload, {
    description: "Offline merchant (scope offline): take a payment with the user's code, captured at once",
  })
  async redeemPaymentCode(
    @Arg('input', () => RedeemPaymentCodeInput, {
      description: "The user's code, the amount, your reference, and an idempotency key",
    })
    input: RedeemPaymentCodeInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerPaymentPayload> {
    const amountMinor = decimalInput(input.amount);
    if (amountMinor instanceof UserError) return failed(amountMinor);
    return paymentPayload(
      await ctx.services.partnerPayments.redeemPaymentCode(ctx.viewer, { ...input, amountMinor }),
    );
  }

  @Mutation(() => PartnerPaymentPayload, {
    description: 'Partner: capture an authorized payment (all of it, or part when part was delivered)',
  })
  async capturePartnerPayment(
    @Arg('input', () => CapturePartnerPaymentInput, {
      description:
        "The authorized payment to capture, and what to capture when only part was delivered; another partner's or an unknown one is NOT_FOUND",
    })
    input: CapturePartnerPaymentInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerPaymentPayload> {
    const captureMinor = optionalDecimalInput(input.amount);
    if (captureMinor instanceof UserError) return failed(captureMinor);
    return paymentPayload(
      await ctx.services.partnerPayments.capture(ctx.viewer, input.paymentId, captureMinor),
    );
  }

  @Mutation(() => PartnerPaymentPayload, { description: 'Partner: void an authorized payment (free)' })
  async voidPartnerPayment(
    @Arg('input', () => PartnerPaymentIdInput, {
      description: "The authorized payment to void; another partner's or an unknown one is NOT_FOUND",
    })
    input: PartnerPaymentIdInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerPaymentPayload> {
    return paymentPayload(await ctx.services.partnerPayments.void(ctx.viewer, input.paymentId));
  }

  @Mutation(() => PartnerPaymentPayload, {
    description: 'Partner: refund part or all of a captured payment, many times up to what was captured',
  })
  async refundPartnerPayment(
    @Arg('input', () => RefundPartnerPaymentInput, {
      description:
        "The captured payment, the amount to refund, and an idempotency key; another partner's or an unknown payment is NOT_FOUND",
    })
    input: RefundPartnerPaymentInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<PartnerPaymentPayload> {
    const amountMinor = decimalInput(input.amount);
    if (amountMinor instanceof UserError) return failed(amountMinor);
    const result = await ctx.services.partnerPayments.refund(
      ctx.viewer,
      input.paymentId,
      amountMinor,
      input.idempotencyKey,
    );
    return paymentPayload({ payment: result.order, userErrors: result.userErrors });
  }

  @Query(() => PartnerPaymentConnection, { description: 'Partner: its payments, newest first' })
  async partnerPayments(
    @Ctx() ctx: WalletsContext,
    @Arg('first', () => Int, { nullable: true, description: firstDescription }) first?: number,
    @Arg('after', () => String, { nullable: true, description: afterDescription }) after?: string,
  ): Promise<InstanceType<typeof PartnerPaymentConnection>> {
    const page = await ctx.services.partnerPayments.page(ctx.viewer, first, after);
    return mapConnection(page, PartnerPayment.from) as InstanceType<typeof PartnerPaymentConnection>;
  }
}

function paymentPayload(result: PaymentResult): PartnerPaymentPayload {
  return Object.assign(new PartnerPaymentPayload(), {
    payment: result.payment ? PartnerPayment.from(result.payment) : null,
    userErrors: result.userErrors.map(UserError.from),
  });
}

function failed(error: UserError): PartnerPaymentPayload {
  return Object.assign(new PartnerPaymentPayload(), { payment: null, userErrors: [error] });
}
