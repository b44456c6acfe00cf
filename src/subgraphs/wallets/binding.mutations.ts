import { bindingCodeTtlMinutes } from '../../core/partners/consent';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { BindingResult, CodeResult } from '../../app/wallets/binding.service';
import { UserError } from '../common/user-error.type';
import { ChannelBinding } from './channel-binding.type';
import { BindingPayload, CodePayload } from './wallets.payloads';
import { BindingCodeInput, BindingIdInput, RequestBindingInput } from './wallets.inputs';
import type { WalletsContext } from './wallets.context';

/** Joint login and consent: the partner asks, the user approves or rejects, the user withdraws. */
@Resolver()
export class BindingMutations {
  @Mutation(() => CodePayload, {
    description: `Partner (scope bindings): a single-use code, valid ${bindingCodeTtlMinutes} minutes, for the user to approve`,
  })
  async requestBinding(
    @Arg('input', () => RequestBindingInput, {
      description: 'Your id for the user, why you ask, what you ask to see or do, and for how many days',
    })
    input: RequestBindingInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<CodePayload> {
    return codePayload(await ctx.services.bindings.requestBinding(ctx.viewer, input));
  }

  @Mutation(() => BindingPayload, { description: 'User: grant the consent a partner asked for' })
  async approveBinding(
    @Arg('input', () => BindingCodeInput, { description: 'The code of the request to grant' })
    input: BindingCodeInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<BindingPayload> {
    return bindingPayload(await ctx.services.bindings.approveBinding(ctx.viewer, input.code));
  }

  @Mutation(() => BindingPayload, { description: "User: refuse a partner's request (the code is spent)" })
  async rejectBinding(
    @Arg('input', () => BindingCodeInput, { description: 'The code of the request to refuse' })
    input: BindingCodeInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<BindingPayload> {
    return bindingPayload(await ctx.services.bindings.rejectBinding(ctx.viewer, input.code));
  }

  @Mutation(() => BindingPayload, { description: "User: end a partner's access from the next request on" })
  async withdrawConsent(
    @Arg('input', () => BindingIdInput, {
      description:
        "The binding to end: one of yours (another user's or an unknown one: NOT_FOUND in userErrors)",
    })
    input: BindingIdInput,
    @Ctx() ctx: WalletsContext,
  ): Promise<BindingPayload> {
    return bindingPayload(await ctx.services.bindings.withdrawConsent(ctx.viewer, input.bindingId));
  }
}

export function codePayload(result: CodeResult): CodePayload {
  return Object.assign(new CodePayload(), {
    code: result.code,
    expiresAt: result.expiresAt,
    userErrors: result.userErrors.map(UserError.from),
  });
}

function bindingPayload(result: BindingResult): BindingPayload {
  return Object.assign(new BindingPayload(), {
    binding: result.binding ? ChannelBinding.from(result.binding) : null,
    userErrors: result.userErrors.map(UserError.from),
  });
}
