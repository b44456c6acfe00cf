import { accrualDue } from '../overdue/penalty';
import { businessDate } from '../time/business-date';
import { applyCommand } from './apply';
import type { LedgerCommand } from './commands';
import type { LineState } from './line-state';

/**
 * The entry to write before a command when a day has begun that changes a bill: that day's `ACCRUE`.
 * Going overdue and a day's penalty or interest are then bill updates of their own, whoever's command
 * comes first that day, instead of hiding inside a purchase or a repayment. Only before a command
 * that applies: a refused authorization is recorded without bringing the line up to date, and invalid
 * input changes nothing, so neither writes the day's accrual (every figure stays as it was before
 * accruals were entries of their own).
 */
export function accrualBefore(
  state: LineState | null,
  command: LedgerCommand,
  now: Date,
): Extract<LedgerCommand, { type: 'ACCRUE' }> | null {
  if (!state || command.type === 'ACCRUE') return null;
  const today = businessDate(now);
  if (!accrualDue(state, today)) return null;
  const accrue = { type: 'ACCRUE', day: today } as const;
  const accrued = applyCommand(state, accrue, now);
  if (!accrued.ok) return null;
  const after = applyCommand(accrued.state, command, now);
  return after.ok ? accrue : null;
}
