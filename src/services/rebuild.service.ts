import { isDeepStrictEqual } from 'node:util';
import { applyCommand } from '../core/ledger/apply';
import type { LineBalances } from '../core/ledger/balances';
import { billStatus, spreadPayment } from '../core/billing/bill-payments';
import { type CreditLineDoc, lineFigures } from '../storage/models/credit-line.model';
import type { OrderDoc } from '../storage/models/order.model';
import type { OrderRepository } from '../storage/repositories/order.repository';
import type { Repositories } from '../storage/repositories/repositories';

export interface RebuildReport {
  linesChecked: number;
  ordersChecked: number;
  billsChecked: number;
  /** One line per difference found, e.g. "cl_alice: usedMinor 100 != ledger 0". */
  differences: string[];
  fixed: boolean;
}

/**
 * Recomputes projections from the append-only records and reports every difference: each ledger
 * entry is replayed through the pure core from the first one (its stored balances must match), the line
 * summary must equal the head, and each order's payment fields must match its ledger and refunds.
 * With `fix`, projections are overwritten with the recomputed values.
 */
export class RebuildService {
  constructor(private readonly repos: Repositories) {}

  async run(fix: boolean): Promise<RebuildReport> {
    const differences: string[] = [];
    const lines = await this.repos.creditLines.all();
    let billsChecked = 0;
    for (const line of lines) {
      differences.push(...(await this.checkLine(line, fix)));
      const bills = await this.checkBills(line._id, fix);
      billsChecked += bills.checked;
      differences.push(...bills.differences);
    }
    let ordersChecked = 0;
    for (const orders of [this.repos.mallOrders, this.repos.installmentOrders]) {
      for (const order of await orders.all()) {
        ordersChecked += 1;
        differences.push(...(await this.checkOrder(orders, order, fix)));
      }
    }
    return {
      linesChecked: lines.length,
      ordersChecked,
      billsChecked,
      differences,
      fixed: fix && differences.length > 0,
    };
  }

  private async checkLine(line: CreditLineDoc, fix: boolean): Promise<string[]> {
    const differences: string[] = [];
    let head: LineBalances | null = null;
    let sequence = 0;
    for (const entry of await this.repos.ledger.all(line._id)) {
      sequence += 1;
      if (entry.sequence !== sequence) differences.push(`${line._id}: sequence gap before ${entry.sequence}`);
      const result = applyCommand(head, entry.command, entry.at);
      if (!result.ok) {
        differences.push(
          `${line._id}#${entry.sequence}: replay rejected ${entry.type} (${result.rejection})`,
        );
        head = entry.balancesAfter;
        continue;
      }
      if (!isDeepStrictEqual(result.balances, entry.balancesAfter)) {
        differences.push(`${line._id}#${entry.sequence}: stored balances differ from the replay`);
      }
      head = result.balances;
    }
    if (!head) return differences;
    const expected: Partial<CreditLineDoc> = lineFigures(sequence, head);
    const lineDiffs = Object.entries(expected)
      .filter(([field, value]) => line[field as keyof CreditLineDoc] !== value)
      .map(
        ([field, value]) =>
          `${line._id}: ${field} ${String(line[field as keyof CreditLineDoc])} != ledger ${String(value)}`,
      );
    if (fix && lineDiffs.length > 0) await this.repos.creditLines.overwrite({ ...line, ...expected });
    return [...differences, ...lineDiffs];
  }

  /**
   * Bill payments, replayed in ledger order: each REPAY is spread over the bills issued before it,
   * oldest first, exactly as it was when it happened; MARK_OVERDUE entries give the overdue state.
   */
  private async checkBills(
    lineId: string,
    fix: boolean,
  ): Promise<{ checked: number; differences: string[] }> {
    const bills = new Map((await this.repos.bills.ofLine(lineId)).map((bill) => [bill._id, bill]));
    const issued: { id: string; total: number; paid: number; overdue: boolean }[] = [];
    for (const entry of await this.repos.ledger.all(lineId)) {
      const command = entry.command;
      if (command.type === 'ISSUE_BILL') {
        const bill = bills.get(command.billId);
        if (bill) issued.push({ id: bill._id, total: bill.totalMinor, paid: 0, overdue: false });
      } else if (command.type === 'MARK_OVERDUE') {
        const bill = issued.find((b) => b.id === command.billId);
        if (bill) bill.overdue = true;
      } else if (command.type === 'REPAY') {
        const paid = spreadPayment(
          command.amountMinor,
          issued.map((bill) => ({ totalMinor: bill.total, paidMinor: bill.paid })),
        );
        issued.forEach((bill, index) => (bill.paid = paid[index]!));
      }
    }
    const differences: string[] = [];
    for (const expected of issued) {
      const bill = bills.get(expected.id)!;
      const status = billStatus(expected.paid, expected.total, expected.overdue);
      if (bill.paidMinor === expected.paid && bill.status === status) continue;
      differences.push(
        `${bill._id}: paid ${bill.paidMinor} ${bill.status} != ledger ${expected.paid} ${status}`,
      );
      if (fix) await this.repos.bills.setPayment(bill._id, expected.paid, status);
    }
    return { checked: issued.length, differences };
  }

  private async checkOrder(orders: OrderRepository, order: OrderDoc, fix: boolean): Promise<string[]> {
    const resolved = await this.repos.ledger.keyRecord(`${order.lineId}:resolve:${order.authorizationId}`);
    const entry = resolved ? await this.repos.ledger.entryById(resolved.entryId) : undefined;
    const refunds = await this.repos.refunds.ofOrder(order._id);
    const expected = {
      status: entry?.type === 'CAPTURE' ? 'SHIPPED' : entry?.type === 'VOID' ? 'CANCELLED' : 'PLACED',
      capturedMinor: entry?.type === 'CAPTURE' ? entry.amountMinor : 0,
      refundedMinor: refunds.reduce((sum, refund) => sum + refund.amountMinor, 0),
    } as const;
    const diffs = (Object.keys(expected) as (keyof typeof expected)[])
      .filter((field) => order[field] !== expected[field])
      .map((field) => `${order._id}: ${field} ${String(order[field])} != ledger ${String(expected[field])}`);
    if (fix && diffs.length > 0) await orders.setPayment(order._id, expected);
    return diffs;
  }
}
