import { decideAuthorization, type AuthorizationDecision } from '../policy/decide-authorization';
import type { RefusalReason } from '../policy/refusal-reasons';
import { assertBalances, lineAvailableMinor, type LineBalances } from './balances';
import type { LedgerCommand } from './commands';

export type LedgerRejection =
  | 'LINE_ALREADY_OPEN'
  | 'LINE_NOT_OPEN'
  | 'INVALID_AMOUNT'
  | 'CAPTURE_EXCEEDS_AUTHORIZATION'
  | 'HOLD_NOT_FOUND'
  | 'REFUND_EXCEEDS_PRINCIPAL'
  | RefusalReason;

export type ApplyResult =
  | { ok: true; balances: LineBalances; amountMinor: number; decision?: AuthorizationDecision }
  | { ok: false; rejection: LedgerRejection; decision?: AuthorizationDecision };

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
        heldMinor: 0,
        feesOwedMinor: 0,
        penaltiesOwedMinor: 0,
        creditBalanceMinor: 0,
        statementDay: command.statementDay,
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
        {
          ...command.request,
          lineStatus: head.status,
          availableMinor: lineAvailableMinor(head),
          amountMinor: command.amountMinor,
        },
        now,
      );
      if (!decision.approved) return reject(decision.reason!, decision);
      return done(
        { ...head, heldMinor: head.heldMinor + command.amountMinor },
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
      const total = command.principalMinor + command.toCreditBalanceMinor;
      if (!positive(total) || command.principalMinor < 0 || command.toCreditBalanceMinor < 0) {
        return reject('INVALID_AMOUNT');
      }
      if (command.principalMinor > head.principalMinor) return reject('REFUND_EXCEEDS_PRINCIPAL');
      return done(
        {
          ...head,
          principalMinor: head.principalMinor - command.principalMinor,
          creditBalanceMinor: head.creditBalanceMinor + command.toCreditBalanceMinor,
        },
        total,
      );
    }
  }
}

function done(balances: LineBalances, amountMinor: number, decision?: AuthorizationDecision): ApplyResult {
  assertBalances(balances);
  return { ok: true, balances, amountMinor, ...(decision ? { decision } : {}) };
}
