import {
  type AuthorizationDecision,
  type AuthorizationInput,
  decideAuthorization,
  velocityWindowMinutes,
} from '../policy/decide-authorization';
import type { RefusalReason } from '../policy/refusal-reasons';
import { allocateRepayment } from '../repayment/waterfall';
import { assertBalances, lineAvailableMinor, type LineBalances, unbilledPrincipalMinor } from './balances';
import type { LedgerCommand } from './commands';

export type LedgerRejection =
  | 'LINE_ALREADY_OPEN'
  | 'LINE_NOT_OPEN'
  | 'INVALID_AMOUNT'
  | 'CAPTURE_EXCEEDS_AUTHORIZATION'
  | 'HOLD_NOT_FOUND'
  | 'BILL_EXCEEDS_UNBILLED'
  | 'CUT_BELOW_USED'
  | 'LINE_NOT_FROZEN'
  | RefusalReason;

export type ApplyResult =
  | { ok: true; balances: LineBalances; amountMinor: number; decision?: AuthorizationDecision }
  | { ok: false; rejection: LedgerRejection; decision?: AuthorizationDecision };

/** More than any channel's velocity limit, so the rule always sees the whole window. */
const maxRecentAuthorizations = 50;

/** The anomaly rule's "typical purchase": median of the last 20 approved amounts, once there are 5. */
const typicalAmountSample = 20;
function typicalAmount(amounts: readonly number[]): number | undefined {
  if (amounts.length < 5) return undefined;
  return [...amounts].sort((a, b) => a - b)[Math.floor(amounts.length / 2)];
}

/** The risk inputs a line's own history supplies (status, credit, velocity, typical amount). */
export type LineRiskInputs = Pick<
  AuthorizationInput,
  'lineStatus' | 'availableMinor' | 'authorizationsInVelocityWindow' | 'typicalAmountMinor'
>;

/** What the head says about the line for an authorization at `now`; one source for real and what-if decisions. */
export function lineRiskInputs(head: LineBalances, now: Date): LineRiskInputs {
  return {
    lineStatus: head.status,
    availableMinor: lineAvailableMinor(head),
    authorizationsInVelocityWindow: authorizationsInWindow(head, now).length,
    typicalAmountMinor: typicalAmount(head.recentAmountsMinor),
  };
}

function authorizationsInWindow(head: LineBalances, now: Date): number[] {
  const windowStart = now.getTime() - velocityWindowMinutes * 60_000;
  return head.recentAuthorizationsAt.filter((at) => at > windowStart);
}

const reject = (rejection: LedgerRejection, decision?: AuthorizationDecision): ApplyResult => ({
  ok: false,
  rejection,
  ...(decision ? { decision } : {}),
});

function positive(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0;
}

/**
 * The settlement state machine: head balances + command + now -> new balances or one named
 * rejection. Pure: no I/O, no clock. Invariants are asserted on the way in and out.
 */
export function applyCommand(head: LineBalances | null, command: LedgerCommand, now: Date): ApplyResult {
  if (command.type === 'OPEN') {
    if (head) return reject('LINE_ALREADY_OPEN');
    if (!positive(command.limitMinor)) return reject('INVALID_AMOUNT');
    return done(
      {
        status: 'ACTIVE',
        limitMinor: command.limitMinor,
        principalMinor: 0,
        billedPrincipalMinor: 0,
        overduePrincipalMinor: 0,
        heldMinor: 0,
        feesOwedMinor: 0,
        penaltiesOwedMinor: 0,
        creditBalanceMinor: 0,
        statementDay: command.statementDay,
        recentAuthorizationsAt: [],
        recentAmountsMinor: [],
      },
      command.limitMinor,
    );
  }
  if (!head) return reject('LINE_NOT_OPEN');
  assertBalances(head);

  switch (command.type) {
    case 'AUTHORIZE': {
      if (!positive(command.amountMinor)) return reject('INVALID_AMOUNT');
      const decision = decideAuthorization(
        { ...command.request, ...lineRiskInputs(head, now), amountMinor: command.amountMinor },
        now,
      );
      if (!decision.approved) return reject(decision.reason!, decision);
      return done(
        {
          ...head,
          heldMinor: head.heldMinor + command.amountMinor,
          recentAuthorizationsAt: [...authorizationsInWindow(head, now), now.getTime()].slice(
            -maxRecentAuthorizations,
          ),
          recentAmountsMinor: [...head.recentAmountsMinor, command.amountMinor].slice(-typicalAmountSample),
        },
        command.amountMinor,
        decision,
      );
    }
    case 'CAPTURE': {
      if (!positive(command.captureMinor)) return reject('INVALID_AMOUNT');
      if (command.captureMinor > command.authorizedMinor) return reject('CAPTURE_EXCEEDS_AUTHORIZATION');
      if (head.heldMinor < command.authorizedMinor) return reject('HOLD_NOT_FOUND');
      // Partial capture releases the rest of the hold.
      return done(
        {
          ...head,
          heldMinor: head.heldMinor - command.authorizedMinor,
          principalMinor: head.principalMinor + command.captureMinor,
        },
        command.captureMinor,
      );
    }
    case 'VOID': {
      if (head.heldMinor < command.authorizedMinor) return reject('HOLD_NOT_FOUND');
      return done({ ...head, heldMinor: head.heldMinor - command.authorizedMinor }, command.authorizedMinor);
    }
    case 'REFUND': {
      if (!positive(command.amountMinor)) return reject('INVALID_AMOUNT');
      // A refund shrinks unbilled principal first, then billed, then overdue; the rest is credit.
      let left = command.amountMinor;
      const fromUnbilled = Math.min(left, unbilledPrincipalMinor(head));
      left -= fromUnbilled;
      const fromBilled = Math.min(left, head.billedPrincipalMinor);
      left -= fromBilled;
      const fromOverdue = Math.min(left, head.overduePrincipalMinor);
      left -= fromOverdue;
      return done(
        {
          ...head,
          principalMinor: head.principalMinor - fromUnbilled - fromBilled - fromOverdue,
          billedPrincipalMinor: head.billedPrincipalMinor - fromBilled,
          overduePrincipalMinor: head.overduePrincipalMinor - fromOverdue,
          creditBalanceMinor: head.creditBalanceMinor + left,
        },
        command.amountMinor,
      );
    }
    case 'ISSUE_BILL': {
      if (command.principalMinor < 0 || command.feesMinor < 0) return reject('INVALID_AMOUNT');
      if (command.principalMinor > unbilledPrincipalMinor(head)) return reject('BILL_EXCEEDS_UNBILLED');
      return done(
        {
          ...head,
          billedPrincipalMinor: head.billedPrincipalMinor + command.principalMinor,
          feesOwedMinor: head.feesOwedMinor + command.feesMinor,
        },
        command.principalMinor + command.feesMinor,
      );
    }
    case 'REPAY': {
      if (!positive(command.amountMinor)) return reject('INVALID_AMOUNT');
      const { allocations, unallocatedMinor } = allocateRepayment(command.amountMinor, {
        PENALTIES: head.penaltiesOwedMinor,
        FEES: head.feesOwedMinor,
        OVERDUE_PRINCIPAL: head.overduePrincipalMinor,
        CURRENT_BILL_PRINCIPAL: head.billedPrincipalMinor,
        UNBILLED_PRINCIPAL: unbilledPrincipalMinor(head),
      });
      const principalRepaid =
        allocations.OVERDUE_PRINCIPAL + allocations.CURRENT_BILL_PRINCIPAL + allocations.UNBILLED_PRINCIPAL;
      return done(
        {
          ...head,
          penaltiesOwedMinor: head.penaltiesOwedMinor - allocations.PENALTIES,
          feesOwedMinor: head.feesOwedMinor - allocations.FEES,
          overduePrincipalMinor: head.overduePrincipalMinor - allocations.OVERDUE_PRINCIPAL,
          billedPrincipalMinor: head.billedPrincipalMinor - allocations.CURRENT_BILL_PRINCIPAL,
          principalMinor: head.principalMinor - principalRepaid,
          creditBalanceMinor: head.creditBalanceMinor + unallocatedMinor,
        },
        command.amountMinor,
      );
    }
    case 'MARK_OVERDUE': {
      if (command.principalMinor < 0) return reject('INVALID_AMOUNT');
      const moved = Math.min(command.principalMinor, head.billedPrincipalMinor);
      return done(
        {
          ...head,
          billedPrincipalMinor: head.billedPrincipalMinor - moved,
          overduePrincipalMinor: head.overduePrincipalMinor + moved,
        },
        moved,
      );
    }
    case 'REVIEW_LIMIT': {
      if (command.action === 'FREEZE') return done({ ...head, status: 'FROZEN' }, 0);
      if (command.action === 'UNFREEZE') {
        return head.status === 'FROZEN' ? done({ ...head, status: 'ACTIVE' }, 0) : reject('LINE_NOT_FROZEN');
      }
      if (!positive(command.newLimitMinor)) return reject('INVALID_AMOUNT');
      // A cut never goes below what is already used (principal and open holds).
      if (command.newLimitMinor < head.principalMinor + head.heldMinor) return reject('CUT_BELOW_USED');
      return done({ ...head, limitMinor: command.newLimitMinor }, command.newLimitMinor);
    }
    case 'ACCRUE_INTEREST': {
      if (command.amountMinor < 0 || !Number.isSafeInteger(command.amountMinor))
        return reject('INVALID_AMOUNT');
      return done({ ...head, feesOwedMinor: head.feesOwedMinor + command.amountMinor }, command.amountMinor);
    }
    case 'ACCRUE_PENALTY': {
      if (command.amountMinor < 0 || !Number.isSafeInteger(command.amountMinor))
        return reject('INVALID_AMOUNT');
      return done(
        { ...head, penaltiesOwedMinor: head.penaltiesOwedMinor + command.amountMinor },
        command.amountMinor,
      );
    }
  }
}

function done(balances: LineBalances, amountMinor: number, decision?: AuthorizationDecision): ApplyResult {
  assertBalances(balances);
  return { ok: true, balances, amountMinor, ...(decision ? { decision } : {}) };
}
