import { applyCommand } from '../../core/ledger/apply';
import { type LineState, upgradeLineState } from '../../core/ledger/line-state';
import { ledgerRulesVersion, rulesVersionOf } from '../../core/ledger/rules-version';
import { billProjection, type BillDoc } from '../../storage/models/bill.model';
import { type CreditLineDoc, lineProjection } from '../../storage/models/credit-line.model';
import { planProjection, type InstallmentPlanDoc } from '../../storage/models/installment-plan.model';
import type { LedgerEntryDoc } from '../../storage/models/ledger-entry.model';
import type { OrderDoc } from '../../storage/models/order.model';
import type { OrderRepository } from '../../storage/repositories/order.repository';
import type { Repositories } from '../../storage/repositories/repositories';
import { requestHash } from '../../ledger/request-hash';
import { everyLine } from './every-line';

export interface RebuildReport {
  linesChecked: number;
  ordersChecked: number;
  billsChecked: number;
  plansChecked: number;
  /** Entries written under earlier money rules: their stored state is taken as it is (history). */
  entriesUnderEarlierRules: number;
  /** One line per difference found, e.g. "cl_alice: usedMinor 100 != ledger 0". */
  differences: string[];
  fixed: boolean;
}

/** Equal as stored data (key order aside). */
const same = (a: unknown, b: unknown) => requestHash(a) === requestHash(b);

/**
 * Recomputes projections from the append-only ledger and reports every difference: each entry is
 * replayed through the pure core from the first one (its stored state must match); the line summary,
 * every bill and every plan are computed with the same projection functions the live path uses; each
 * order's payment fields must match its ledger entries and refunds. With `fix`, projections are
 * overwritten with the recomputed values.
 */
export class RebuildService {
  constructor(private readonly repos: Repositories) {}

  async run(fix: boolean): Promise<RebuildReport> {
    const differences: string[] = [];
    let billsChecked = 0;
    let plansChecked = 0;
    let entriesUnderEarlierRules = 0;
    const resolvedHolds = new Map<string, LedgerEntryDoc>();
    const linesChecked = new Set<string>();
    for await (const line of everyLine(this.repos)) {
      // A line whose fixed summary moves it to a later status is met again: checked once.
      if (linesChecked.has(line._id)) continue;
      linesChecked.add(line._id);
      const entries = await this.repos.ledger.all(line._id);
      for (const entry of entries) {
        if (entry.type === 'CAPTURE' || entry.type === 'VOID') {
          const command = entry.command as { authorizationId: string };
          resolvedHolds.set(command.authorizationId, entry);
        }
      }
      const replay = this.replayLine(line, entries);
      differences.push(...replay.differences);
      if (replay.head) differences.push(...(await this.checkLine(line, replay.sequence, replay.head, fix)));
      entriesUnderEarlierRules += replay.entriesUnderEarlierRules;
      billsChecked += replay.bills.size;
      plansChecked += replay.plans.size;
      differences.push(...(await this.checkBills(line, replay.bills, fix)));
      differences.push(...(await this.checkPlans(line, replay.plans, fix)));
    }
    let ordersChecked = 0;
    for (const orders of [this.repos.mallOrders, this.repos.installmentOrders]) {
      for (const order of await orders.all()) {
        ordersChecked += 1;
        differences.push(
          ...(await this.checkOrder(orders, order, resolvedHolds.get(order.authorizationId), fix)),
        );
      }
    }
    return {
      linesChecked: linesChecked.size,
      ordersChecked,
      billsChecked,
      plansChecked,
      entriesUnderEarlierRules,
      differences,
      fixed: fix && differences.length > 0,
    };
  }

  /** Replays every entry through the core; the last state of each bill and plan is what it must show. */
  private replayLine(line: CreditLineDoc, entries: LedgerEntryDoc[]) {
    const differences: string[] = [];
    const bills = new Map<string, BillDoc>();
    const plans = new Map<string, InstallmentPlanDoc>();
    const owner = { lineId: line._id, userId: line.userId };
    let head: LineState | null = null;
    let sequence = 0;
    let entriesUnderEarlierRules = 0;
    for (const entry of entries) {
      sequence += 1;
      if (entry.sequence !== sequence) differences.push(`${line._id}: sequence gap before ${entry.sequence}`);
      if (rulesVersionOf(entry) < ledgerRulesVersion) {
        // History: computed under rules since changed, so today's rules would compute it otherwise.
        entriesUnderEarlierRules += 1;
        for (const bill of entry.effects?.bills ?? [])
          bills.set(bill.billId, billProjection(bill, owner, entry.sequence));
        for (const plan of entry.effects?.plans ?? [])
          plans.set(plan.planId, planProjection(plan, owner, entry.sequence));
        head = upgradeLineState(entry.stateAfter);
        continue;
      }
      const result = applyCommand(head, entry.command, entry.at);
      if (!result.ok) {
        if (result.rejection !== entry.rejection) {
          differences.push(
            `${line._id}#${entry.sequence}: replay rejected ${entry.type} (${result.rejection})`,
          );
        }
        head = entry.stateAfter;
        continue;
      }
      if (entry.rejection) differences.push(`${line._id}#${entry.sequence}: stored refusal, replay approves`);
      if (!same(result.state, entry.stateAfter)) {
        differences.push(`${line._id}#${entry.sequence}: stored state differs from the replay`);
      }
      for (const bill of result.effects.bills)
        bills.set(bill.billId, billProjection(bill, owner, entry.sequence));
      for (const plan of result.effects.plans)
        plans.set(plan.planId, planProjection(plan, owner, entry.sequence));
      head = result.state;
    }
    return { head, sequence, bills, plans, differences, entriesUnderEarlierRules };
  }

  private async checkLine(
    line: CreditLineDoc,
    sequence: number,
    head: LineState,
    fix: boolean,
  ): Promise<string[]> {
    const expected: Partial<CreditLineDoc> = lineProjection(sequence, head);
    // A head stored by an earlier version lacks what later ones added: not a difference.
    const shown = line.state ? { ...line, state: upgradeLineState(line.state) } : line;
    const diffs = Object.entries(expected)
      .filter(([field, value]) => !same(shown[field as keyof CreditLineDoc], value))
      .map(([field, value]) =>
        field === 'state'
          ? `${line._id}: state differs from the ledger head`
          : `${line._id}: ${field} ${String(line[field as keyof CreditLineDoc])} != ledger ${String(value)}`,
      );
    if (fix && diffs.length > 0) await this.repos.creditLines.overwrite({ ...line, ...expected });
    return diffs;
  }

  private async checkBills(line: CreditLineDoc, expected: Map<string, BillDoc>, fix: boolean) {
    return checkProjections(
      await this.repos.bills.ofLine(line._id),
      expected,
      (found, bill) => `owed ${found.owedMinor} ${found.status} != ledger ${bill.owedMinor} ${bill.status}`,
      fix ? (bill) => this.repos.bills.project(bill) : undefined,
    );
  }

  private async checkPlans(line: CreditLineDoc, expected: Map<string, InstallmentPlanDoc>, fix: boolean) {
    return checkProjections(
      await this.repos.installmentPlans.ofLine(line._id),
      expected,
      () => 'schedule or status differs from the ledger',
      fix ? (plan) => this.repos.installmentPlans.project(plan) : undefined,
    );
  }

  private async checkOrder(
    orders: OrderRepository,
    order: OrderDoc,
    resolved: LedgerEntryDoc | undefined,
    fix: boolean,
  ): Promise<string[]> {
    const refunds = await this.repos.refunds.ofOrder(order._id);
    const expected = {
      status: resolved?.type === 'CAPTURE' ? 'SHIPPED' : resolved?.type === 'VOID' ? 'CANCELLED' : 'PLACED',
      capturedMinor: resolved?.type === 'CAPTURE' ? resolved.amountMinor : 0,
      refundedMinor: refunds.reduce((sum, refund) => sum + refund.amountMinor, 0),
    } as const;
    const diffs = (Object.keys(expected) as (keyof typeof expected)[])
      .filter((field) => order[field] !== expected[field])
      .map((field) => `${order._id}: ${field} ${String(order[field])} != ledger ${String(expected[field])}`);
    if (fix && diffs.length > 0) await orders.setPayment(order._id, expected);
    return diffs;
  }
}

/**
 * Compares stored projections with the ones replayed from the ledger; with `repair`, writes the
 * replayed one at a sequence above the stored one (a versioned write never goes back otherwise).
 */
async function checkProjections<T extends { _id: string; sequence: number }>(
  storedDocs: T[],
  expected: Map<string, T>,
  describe: (found: T, replayed: T) => string,
  repair?: (doc: T) => Promise<void>,
): Promise<string[]> {
  const stored = new Map(storedDocs.map((doc) => [doc._id, doc]));
  const differences: string[] = [];
  for (const [id, replayed] of expected) {
    const found = stored.get(id);
    if (found && same({ ...found, sequence: 0 }, { ...replayed, sequence: 0 })) continue;
    differences.push(found ? `${id}: ${describe(found, replayed)}` : `${id}: missing (ledger has it)`);
    await repair?.({ ...replayed, sequence: Math.max(replayed.sequence, (found?.sequence ?? 0) + 1) });
  }
  for (const id of stored.keys()) if (!expected.has(id)) differences.push(`${id}: not in the ledger`);
  return differences;
}
