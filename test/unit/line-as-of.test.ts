import { applyCommand } from '../../src/core/ledger/apply';
import type { LedgerCommand } from '../../src/core/ledger/commands';
import type { LineState } from '../../src/core/ledger/line-state';
import { billAsOf, lineAsOf } from '../../src/app/credit/line-as-of';
import { billProjection } from '../../src/storage/models/bill.model';
import { type CreditLineDoc, lineProjection } from '../../src/storage/models/credit-line.model';

/**
 * 1,000.00 bought 01-20 on a line opened 01-10 (statement day 5), billed 02-05, due 02-14: as the line
 * document stands after its last entry, the 02-05 statement.
 */
function billedLine(): { line: CreditLineDoc; state: LineState } {
  let state: LineState | null = null;
  let sequence = 0;
  const apply = (date: string, command: LedgerCommand) => {
    const result = applyCommand(state, command, new Date(`${date}T04:00:00Z`));
    if (!result.ok) throw new Error(`${command.type} refused: ${result.rejection}`);
    state = result.state;
    sequence += 1;
  };
  apply('2030-01-10', { type: 'OPEN', limitMinor: 1_000_000, statementDay: 5 });
  const request = { channel: 'MALL', categories: ['HOME'], plan: 'FULL' } as const;
  apply('2030-01-20', { type: 'AUTHORIZE', authorizationId: 'a1', amountMinor: 100_000, request });
  apply('2030-01-20', {
    type: 'CAPTURE',
    authorizationId: 'a1',
    authorizedMinor: 100_000,
    captureMinor: 100_000,
    plan: 'FULL',
    orderId: 'o1',
  });
  apply('2030-02-05', { type: 'ISSUE_BILL', billId: 'b1', statementDate: '2030-02-05' });
  const line = {
    _id: 'cl_1',
    userId: 'u1',
    riskTier: 'B',
    riskScore: 700,
    riskReasons: [],
    createdAt: new Date(0),
    ...lineProjection(sequence, state!),
  } as CreditLineDoc;
  return { line, state: state! };
}

describe('reads as of today', () => {
  test('before the due day a line reads as stored; after it, overdue with the days of penalty counted', () => {
    const { line } = billedLine();
    expect(lineAsOf(line, '2030-02-14')).toBe(line);
    // 02-15 and 02-16 overdue on 1,000.00 at 0.05% a day: 0.50 each, 1.00.
    const today = lineAsOf(line, '2030-02-16');
    expect(today).toMatchObject({
      penaltiesOwedMinor: 100,
      usedMinor: 100_000,
      headSequence: line.headSequence,
    });
    expect(line.penaltiesOwedMinor).toBe(0);
    const bill = billProjection(line.state!.bills[0]!, { lineId: line._id, userId: line.userId }, 4);
    expect(billAsOf(bill, today)).toMatchObject({ status: 'OVERDUE', owedMinor: 100_100, overdue: true });
  });

  test('a bill document newer than the line summary is not replaced by the older state', () => {
    const { line } = billedLine();
    const today = lineAsOf(line, '2030-02-16');
    const newer = {
      ...billProjection(line.state!.bills[0]!, { lineId: line._id, userId: line.userId }, 4),
      sequence: line.headSequence + 1,
    };
    expect(billAsOf(newer, today)).toBe(newer);
  });
});
