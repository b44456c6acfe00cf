import { applyCommand } from '../../../src/core/ledger/apply';
import { type BillUpdate, billUpdateOf, type BillUpdateKind } from '../../../src/core/ledger/bill-updates';
import { partnerDisclosureOf } from '../../../src/core/partners/bill-update-consent';
import type { LedgerCommand } from '../../../src/core/ledger/commands';
import type { LineState } from '../../../src/core/ledger/line-state';

const at = (date: string) => new Date(`${date}T04:00:00Z`);

/** Each command through the core, then through the bill-update rule, as the ledger would store it. */
function updatesOf(
  steps: [string, LedgerCommand][],
  pick: (update: BillUpdate) => unknown[] = (update) => [update.kind, update.billId],
) {
  let state: LineState | null = null;
  return steps.map(([date, command]) => {
    const result = applyCommand(state, command, at(date));
    if (result.ok) state = result.state;
    const update = billUpdateOf({
      command,
      rejection: result.ok ? null : result.rejection,
      effects: result.ok ? result.effects : null,
      stateAfter: state!,
    });
    return update && pick(update);
  });
}

const buy = { channel: 'MALL', categories: ['HOME'], plan: 'FULL' } as const;

/** The capture of a whole FULL hold. */
const capture = (id: string, amountMinor: number): LedgerCommand => ({
  type: 'CAPTURE',
  authorizationId: id,
  authorizedMinor: amountMinor,
  captureMinor: amountMinor,
  plan: 'FULL',
  orderId: `o_${id}`,
});

/** A FULL purchase: held on one day, captured on another. */
const purchase = (
  heldOn: string,
  capturedOn: string,
  id: string,
  amountMinor: number,
): [string, LedgerCommand][] => [
  [heldOn, { type: 'AUTHORIZE', authorizationId: id, amountMinor, request: buy }],
  [capturedOn, capture(id, amountMinor)],
];

/** A 1,000.00 line (statement day 5) and a 100.00 purchase, captured. */
const openedAndBought: [string, LedgerCommand][] = [
  ['2030-01-01', { type: 'OPEN', limitMinor: 100_000, statementDay: 5 }],
  ['2030-01-02', { type: 'AUTHORIZE', authorizationId: 'a1', amountMinor: 10_000, request: buy }],
  [
    '2030-01-03',
    {
      type: 'CAPTURE',
      authorizationId: 'a1',
      authorizedMinor: 10_000,
      captureMinor: 10_000,
      plan: 'FULL',
      orderId: 'o1',
    },
  ],
];

describe('bill updates: one per ledger entry that changes a bill or the line', () => {
  test('a purchase, its statement, going overdue, a penalty day; a refused purchase is no update', () => {
    expect(
      updatesOf([
        ...openedAndBought,
        // 1,000.00 limit, 100.00 used: 950.00 is more than the 900.00 available.
        ['2030-01-04', { type: 'AUTHORIZE', authorizationId: 'a2', amountMinor: 95_000, request: buy }],
        ['2030-01-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-01-05' }],
        // Due 01-14 (statement + 9); nothing paid: overdue on the 15th, a penalty day after.
        ['2030-01-15', { type: 'ACCRUE', day: '2030-01-15' }],
        ['2030-01-16', { type: 'ACCRUE', day: '2030-01-16' }],
      ]),
    ).toEqual([
      ['LINE_OPENED', null],
      ['PURCHASE_AUTHORIZED', null],
      ['PURCHASE_CAPTURED', null],
      null,
      ['STATEMENT_ISSUED', 'b1'],
      ['OVERDUE', 'b1'],
      ['PENALTY_ACCRUED', 'b1'],
    ]);
  });

  test('a declined repayment and a due-soon reminder move no money but are updates about the owing bill', () => {
    expect(
      updatesOf([
        ...openedAndBought,
        ['2030-01-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-01-05' }],
        // Due 01-14: the reminder window opens 3 days before, on the 11th.
        ['2030-01-11', { type: 'REMIND_DUE_SOON', billId: 'b1' }],
        [
          '2030-01-12',
          { type: 'DECLINE_REPAYMENT', repaymentId: 'r1', amountMinor: 10_000, reason: 'card expired' },
        ],
      ]),
    ).toEqual([
      ['LINE_OPENED', null],
      ['PURCHASE_AUTHORIZED', null],
      ['PURCHASE_CAPTURED', null],
      ['STATEMENT_ISSUED', 'b1'],
      ['DUE_SOON_REMINDER', 'b1'],
      ['REPAYMENT_FAILED', 'b1'],
    ]);
  });

  test('a repayment clearing an overdue bill is about that bill, not an older one whose interest it paid', () => {
    expect(
      updatesOf([
        ...openedAndBought,
        // b1: 100.00, minimum 10.00 paid: it revolves from 01-15 at 0.05 a day (0.05% of 90.00 is 4.5 fen,
        // carried: 4, 5, 4, 5, ...).
        ['2030-01-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-01-05' }],
        ['2030-01-10', { type: 'REPAY', repaymentId: 'r1', amountMinor: 1_000, payOffPlanIds: [] }],
        ...purchase('2030-01-20', '2030-01-20', 'a2', 20_000),
        // b2: 200.00, due 02-14, nothing paid: overdue on 02-15.
        ['2030-02-05', { type: 'ISSUE_BILL', billId: 'b2', statementDate: '2030-02-05' }],
        ['2030-02-15', { type: 'ACCRUE', day: '2030-02-15' }],
        // b2 owes 200.00 + 0.10 penalty; b1's interest is paid first, then all of b2.
        ['2030-02-16', { type: 'REPAY', repaymentId: 'r2', amountMinor: 30_000, payOffPlanIds: [] }],
      ]).slice(-4),
    ).toEqual([
      ['PURCHASE_CAPTURED', 'b1'],
      ['STATEMENT_ISSUED', 'b2'],
      ['OVERDUE', 'b2'],
      ['REPAYMENT_SUCCEEDED', 'b2'],
    ]);
  });

  test('a cut changes the limit; a freeze and an unfreeze change the status, and are told apart', () => {
    expect(
      updatesOf([
        ...openedAndBought,
        ['2030-01-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-01-05' }],
        // Due 01-14, unpaid: overdue on the 15th; a cut to 700.00 (above the 100.00 used) for b1.
        ['2030-01-15', { type: 'ACCRUE', day: '2030-01-15' }],
        [
          '2030-01-15',
          { type: 'REVIEW_LIMIT', reviewId: 'cut1', action: 'CUT', newLimitMinor: 70_000, billId: 'b1' },
        ],
        ['2030-02-14', { type: 'REVIEW_LIMIT', reviewId: 'f1', action: 'FREEZE', newLimitMinor: 70_000 }],
        // b1 paid in full (100.00 and its penalties, well under 150.00), then the line opens.
        ['2030-02-20', { type: 'REPAY', repaymentId: 'r1', amountMinor: 15_000, payOffPlanIds: [] }],
        ['2030-02-20', { type: 'REVIEW_LIMIT', reviewId: 'u1', action: 'UNFREEZE', newLimitMinor: 70_000 }],
      ]).slice(-4),
    ).toEqual([
      ['LIMIT_CHANGED', 'b1'],
      // Still about the line's overdue bill (b1), as the partner's bills consent shows it.
      ['LINE_STATUS_CHANGED', 'b1'],
      ['REPAYMENT_SUCCEEDED', 'b1'],
      // No bill is left to be about.
      ['LINE_STATUS_CHANGED', null],
    ]);
  });
  test('an update is about a bill when it names one or changes one; a purchase beside an owing bill is not', () => {
    expect(
      updatesOf(
        [
          ...openedAndBought,
          ['2030-01-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-01-05' }],
          // b1 owes 100.00; a second purchase is held and captured, not on any bill yet.
          ...purchase('2030-01-06', '2030-01-07', 'a2', 5_000),
          // 30.00 repaid: it pays b1.
          ['2030-01-08', { type: 'REPAY', repaymentId: 'r1', amountMinor: 3_000, payOffPlanIds: [] }],
        ],
        (update) => [update.kind, update.billId, update.aboutBill],
      ).slice(-4),
    ).toEqual([
      ['STATEMENT_ISSUED', 'b1', true],
      ['PURCHASE_AUTHORIZED', 'b1', false],
      ['PURCHASE_CAPTURED', 'b1', false],
      ['REPAYMENT_SUCCEEDED', 'b1', true],
    ]);
  });

  test('a bill whose day count alone moved is not what a refund of an unbilled purchase is about', () => {
    const refund = (date: string, chargeId: string, amountMinor: number): [string, LedgerCommand] => [
      date,
      { type: 'REFUND', refundId: `${chargeId}:${date}`, chargeId, plan: 'FULL', amountMinor },
    ];
    expect(
      updatesOf(
        [
          ...openedAndBought,
          // b1: 100.00, minimum 10.00 paid: 90.00 revolves from 01-15 (4.5 fen a day, carried).
          ['2030-01-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-01-05' }],
          ['2030-01-10', { type: 'REPAY', repaymentId: 'r1', amountMinor: 1_000, payOffPlanIds: [] }],
          // 01-20: a1's 90.00 refunded, credited on b1: it owes only its interest, nothing to accrue on.
          refund('2030-01-20', 'a1', 9_000),
          ...purchase('2030-01-21', '2030-01-21', 'a2', 5_000),
          // 01-25: a2, not billed, refunded; only b1's day count moves (from 6 days past due to 11).
          refund('2030-01-25', 'a2', 5_000),
        ],
        (update) => [update.kind, update.billId, update.aboutBill],
      ).slice(-4),
    ).toEqual([
      ['REFUND_CREDITED', 'b1', true],
      ['PURCHASE_AUTHORIZED', 'b1', false],
      ['PURCHASE_CAPTURED', 'b1', false],
      ['REFUND_CREDITED', 'b1', false],
    ]);
  });
});

describe("what a partner's stream hears beyond bills", () => {
  const onBill = (kind: BillUpdateKind) => ({ kind, aboutBill: true });
  const offBill = (kind: BillUpdateKind) => ({ kind, aboutBill: false });

  test('bill updates need only the bills consent; available credit is shown when consented', () => {
    expect(partnerDisclosureOf(onBill('REFUND_CREDITED'), ['BILL_SUMMARY'])).toEqual(['BILL_SUMMARY']);
    expect(partnerDisclosureOf(onBill('OVERDUE'), ['AVAILABLE_CREDIT', 'BILL_SUMMARY'])).toEqual([
      'BILL_SUMMARY',
      'AVAILABLE_CREDIT',
    ]);
  });

  test('a limit change needs AVAILABLE_CREDIT; the status alone does not tell it', () => {
    expect(partnerDisclosureOf(onBill('LIMIT_CHANGED'), ['BILL_SUMMARY'])).toBeNull();
    expect(partnerDisclosureOf(onBill('LIMIT_CHANGED'), ['BILL_SUMMARY', 'CREDIT_STATUS'])).toBeNull();
    expect(partnerDisclosureOf(onBill('LIMIT_CHANGED'), ['BILL_SUMMARY', 'AVAILABLE_CREDIT'])).toEqual([
      'BILL_SUMMARY',
      'AVAILABLE_CREDIT',
    ]);
  });

  test('a freeze or an unfreeze needs CREDIT_STATUS: available credit alone does not say why it went to 0', () => {
    expect(partnerDisclosureOf(onBill('LINE_STATUS_CHANGED'), ['BILL_SUMMARY', 'PAYMENTS'])).toBeNull();
    expect(
      partnerDisclosureOf(onBill('LINE_STATUS_CHANGED'), ['AVAILABLE_CREDIT', 'BILL_SUMMARY']),
    ).toBeNull();
    expect(partnerDisclosureOf(onBill('LINE_STATUS_CHANGED'), ['BILL_SUMMARY', 'CREDIT_STATUS'])).toEqual([
      'BILL_SUMMARY',
      'CREDIT_STATUS',
    ]);
    expect(
      partnerDisclosureOf(onBill('LINE_STATUS_CHANGED'), [
        'CREDIT_STATUS',
        'AVAILABLE_CREDIT',
        'BILL_SUMMARY',
      ]),
    ).toEqual(['BILL_SUMMARY', 'AVAILABLE_CREDIT', 'CREDIT_STATUS']);
  });

  test('an update about no bill tells what the user spends: AVAILABLE_CREDIT; a payout, no consent', () => {
    expect(partnerDisclosureOf(offBill('PURCHASE_AUTHORIZED'), ['BILL_SUMMARY', 'CREDIT_STATUS'])).toBeNull();
    expect(partnerDisclosureOf(offBill('REFUND_CREDITED'), ['BILL_SUMMARY'])).toBeNull();
    expect(partnerDisclosureOf(offBill('PURCHASE_CAPTURED'), ['BILL_SUMMARY', 'AVAILABLE_CREDIT'])).toEqual([
      'BILL_SUMMARY',
      'AVAILABLE_CREDIT',
    ]);
    expect(
      partnerDisclosureOf(offBill('CREDIT_BALANCE_CHANGED'), ['BILL_SUMMARY', 'AVAILABLE_CREDIT']),
    ).toBeNull();
    // The balance paying a bill is about that bill.
    expect(partnerDisclosureOf(onBill('CREDIT_BALANCE_CHANGED'), ['BILL_SUMMARY'])).toEqual(['BILL_SUMMARY']);
  });
});
