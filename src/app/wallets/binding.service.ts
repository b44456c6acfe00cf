import type { Viewer } from '../../auth/token';
import {
  bindingCodeTtlMinutes,
  bindingRefusal,
  consentRequestErrorsOf,
  maxConsentDays,
  maxPurposeLength,
} from '../../core/partners/consent';
import { isMerchantRef, merchantRefRule } from '../../core/partners/partner-payment';
import { dayMs } from '../../core/time/business-date';
import type { ChannelBindingDoc } from '../../storage/models/channel-binding.model';
import {
  activePartnerUserKey,
  activeUserKey,
  endedBindingKey,
} from '../../storage/repositories/channel-binding.repository';
import type { Repositories } from '../../storage/repositories/repositories';
import { requirePartner, requireUser, requireViewer } from '../common/access';
import type { ClockService } from '../common/clock.service';
import { codeHash, oneTimeCode } from '../common/one-time-code';
import { type UserError, userError } from '../common/user-error';

export interface RequestBindingInput {
  partnerUserId: string;
  purpose: string;
  fields: string[];
  expiresInDays: number;
}

export interface CodeResult {
  code: string | null;
  expiresAt: Date | null;
  userErrors: UserError[];
}

export interface BindingResult {
  binding: ChannelBindingDoc | null;
  userErrors: UserError[];
}

const consentErrorField = {
  INVALID_PURPOSE: 'purpose',
  INVALID_CONSENT_FIELDS: 'fields',
  INVALID_CONSENT_DURATION: 'expiresInDays',
} as const;

/**
 * Joint login: the partner asks (requestBinding) and gets a short-lived single-use code; the user, in
 * the app, approves or rejects it; the user withdraws consent whenever they like. Single use and "one
 * active binding per partner account and per user" are unique inserts, not reads.
 */
export class BindingService {
  constructor(
    private readonly repos: Pick<Repositories, 'channelBindings' | 'partnerAccess'>,
    private readonly clock: ClockService,
  ) {}

  async requestBinding(viewer: Viewer | undefined, input: RequestBindingInput): Promise<CodeResult> {
    const { partnerId } = requirePartner(viewer, 'bindings');
    const errors: UserError[] = [];
    if (!isMerchantRef(input.partnerUserId)) {
      errors.push(userError('INVALID_PARTNER_USER_ID', merchantRefRule, 'partnerUserId'));
    }
    for (const code of consentRequestErrorsOf(input)) {
      errors.push(userError(code, consentErrorMessages[code], consentErrorField[code]));
    }
    if (errors.length > 0) return { code: null, expiresAt: null, userErrors: errors };
    const now = await this.clock.now();
    const expiresAt = new Date(now.getTime() + bindingCodeTtlMinutes * 60_000);
    for (;;) {
      const code = oneTimeCode(8);
      const hash = codeHash(code);
      // A code used before and swept since (`expiredCodesKeptDays`) names its binding for ever.
      if ((await this.repos.channelBindings.findByIds([bindingIdOfCode(hash)])).length > 0) continue;
      const inserted = await this.repos.partnerAccess.insertBindingRequest({
        _id: hash,
        partnerId,
        partnerUserId: input.partnerUserId,
        purpose: input.purpose.trim(),
        fields: input.fields,
        expiresInDays: input.expiresInDays,
        createdAt: now,
        expiresAt,
      });
      // 32^8 codes: a collision is rare; draw again rather than share one.
      if (inserted) return { code, expiresAt, userErrors: [] };
    }
  }

  /** The user grants the consent the code asked for. Retrying the same approval answers the same. */
  approveBinding(viewer: Viewer | undefined, code: string): Promise<BindingResult> {
    return this.decide(viewer, code, 'ACTIVE');
  }

  /** The user refuses: the code is spent and nothing is shared. */
  rejectBinding(viewer: Viewer | undefined, code: string): Promise<BindingResult> {
    return this.decide(viewer, code, 'REJECTED');
  }

  /** Ends the partner's access from the next request on. Withdrawing twice answers the same. */
  async withdrawConsent(viewer: Viewer | undefined, bindingId: string): Promise<BindingResult> {
    const { userId } = requireViewer(viewer);
    const [binding] = await this.repos.channelBindings.findByIds([bindingId]);
    // Another user's binding and a missing one answer alike.
    if (!binding || binding.userId !== userId) {
      return { binding: null, userErrors: [userError('NOT_FOUND', 'No such binding', 'bindingId')] };
    }
    if (binding.status === 'REJECTED') {
      return {
        binding,
        userErrors: [userError('BINDING_NOT_ACTIVE', 'This binding was never granted', 'bindingId')],
      };
    }
    // Already ended (withdrawn, or replaced after it expired): nothing left to withdraw.
    if (binding.status === 'WITHDRAWN' || binding.status === 'EXPIRED') return { binding, userErrors: [] };
    const now = await this.clock.now();
    // A concurrent withdrawal may have won: either way the binding has ended, as both callers asked.
    await this.repos.channelBindings.end(binding._id, 'WITHDRAWN', now);
    const ended = endedBindingKey(binding._id);
    const withdrawn = {
      status: 'WITHDRAWN' as const,
      endedAt: now,
      activePartnerUserKey: ended,
      activeUserKey: ended,
    };
    return { binding: { ...binding, ...withdrawn }, userErrors: [] };
  }

  private async decide(
    viewer: Viewer | undefined,
    code: string,
    status: 'ACTIVE' | 'REJECTED',
  ): Promise<BindingResult> {
    const { userId } = requireUser(viewer);
    const hash = codeHash(code);
    const request = await this.repos.partnerAccess.bindingRequest(hash);
    // Swept since it expired: a retry of a decision made with it still answers the same.
    if (!request)
      return (
        (await this.decisionMade(bindingIdOfCode(hash), userId, status)) ??
        failed('CODE_INVALID', 'This code is not valid')
      );
    const now = await this.clock.now();
    if (request.expiresAt.getTime() <= now.getTime()) return failed('CODE_EXPIRED', 'This code has expired');
    // One binding per code: its id derives from the code, so a second use collides.
    const bindingId = bindingIdOfCode(hash);
    const ended = endedBindingKey(bindingId);
    const binding: ChannelBindingDoc = {
      _id: bindingId,
      userId,
      partnerId: request.partnerId,
      partnerUserId: request.partnerUserId,
      status,
      consent: {
        purpose: request.purpose,
        fields: request.fields,
        grantedAt: now,
        expiresAt: new Date(now.getTime() + request.expiresInDays * dayMs),
      },
      createdAt: now,
      ...(status === 'REJECTED' ? { endedAt: now } : {}),
      activePartnerUserKey:
        status === 'ACTIVE' ? activePartnerUserKey(request.partnerId, request.partnerUserId) : ended,
      activeUserKey: status === 'ACTIVE' ? activeUserKey(request.partnerId, userId) : ended,
    };
    if (await this.repos.channelBindings.insertOnce(binding)) return { binding, userErrors: [] };
    // An expired binding in the way gives no access any more: end it, and bind again once.
    if (
      status === 'ACTIVE' &&
      (await this.endExpiredInTheWay(request.partnerId, request.partnerUserId, userId, now))
    ) {
      if (await this.repos.channelBindings.insertOnce(binding)) return { binding, userErrors: [] };
    }
    return (
      (await this.decisionMade(bindingId, userId, status)) ??
      failed(
        'ALREADY_BOUND',
        'This partner account, or your account at this partner, is already bound: withdraw that binding first',
      )
    );
  }

  /**
   * The answer a code already gave, if it made a binding: the same decision by the same user,
   * retried, gets it again; anyone else gets CODE_ALREADY_USED. Undefined: the code made none.
   */
  private async decisionMade(
    bindingId: string,
    userId: string,
    status: 'ACTIVE' | 'REJECTED',
  ): Promise<BindingResult | undefined> {
    const [existing] = await this.repos.channelBindings.findByIds([bindingId]);
    if (!existing) return undefined;
    if (existing.userId === userId && (existing.status === status || existing.status === 'WITHDRAWN'))
      return { binding: existing, userErrors: [] };
    return failed('CODE_ALREADY_USED', 'This code was already used');
  }

  /** Ends the active bindings that hold this account's keys but whose consent has expired. */
  private async endExpiredInTheWay(
    partnerId: string,
    partnerUserId: string,
    userId: string,
    now: Date,
  ): Promise<boolean> {
    const holders = await Promise.all([
      this.repos.channelBindings.activeOf(partnerId, partnerUserId),
      this.repos.channelBindings.activeOfUser(partnerId, userId),
    ]);
    const expired = holders.filter(
      (holder): holder is ChannelBindingDoc =>
        holder !== null && bindingRefusal(holder, now) === 'CONSENT_EXPIRED',
    );
    for (const holder of expired) await this.repos.channelBindings.end(holder._id, 'EXPIRED', now);
    return expired.length > 0;
  }
}

const consentErrorMessages = {
  INVALID_PURPOSE: `Say why, in 1-${maxPurposeLength} characters`,
  INVALID_CONSENT_FIELDS: 'List distinct fields from the consent catalog (ConsentField)',
  INVALID_CONSENT_DURATION: `Consent lasts 1 to ${maxConsentDays} days`,
} as const;

function failed(code: string, message: string): BindingResult {
  return { binding: null, userErrors: [userError(code, message, 'code')] };
}

/** One binding per code: its id derives from the code's hash, so a second use collides. */
function bindingIdOfCode(hash: string): string {
  return `cb_${hash.slice(0, 20)}`;
}
