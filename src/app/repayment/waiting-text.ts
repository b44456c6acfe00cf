import { formatMinor } from '../../core/money';
import type { RepayCommand } from '../../core/repayment/landing';

/**
 * "repayment of 799.00 CNY waiting on the payment source (with 100.00 CNY of your credit balance set
 * aside)", or, when none asks a source anything, "repayment of 50.00 CNY from your credit balance,
 * being applied now" (the balance's share lands the moment it is set aside).
 */
export function waitingText(waiting: readonly RepayCommand[]): { text: string; onSource: boolean } {
  const sourceMinor = waiting.reduce((sum, repayment) => sum + repayment.amountMinor, 0);
  const balanceMinor = waiting.reduce((sum, repayment) => sum + (repayment.reservedCreditMinor ?? 0), 0);
  // "2 repayments of 50.00 CNY" would read as 50.00 each.
  const repayments = waiting.length === 1 ? 'repayment of' : `${waiting.length} repayments totalling`;
  if (sourceMinor === 0)
    return {
      text: `${repayments} ${formatMinor(balanceMinor)} CNY from your credit balance, being applied now,`,
      onSource: false,
    };
  const balance =
    balanceMinor > 0 ? ` (with ${formatMinor(balanceMinor)} CNY of your credit balance set aside)` : '';
  return {
    text: `${repayments} ${formatMinor(sourceMinor)} CNY waiting on the payment source${balance}`,
    onSource: true,
  };
}
