import { createDueJobs } from '../../src/app/billing/due-jobs.service';
import { PartnerCursorSeal } from '../../src/app/credit/bill-update-cursor';
import { type BillUpdateEvent, BillUpdatesService } from '../../src/app/credit/bill-updates.service';
import { LineWatch } from '../../src/app/credit/line-watch';
import { ledgerNotices } from '../../src/ledger/ledger-notices';
import { everyLine } from '../../src/app/billing/every-line';
import type { NotificationSender } from '../../src/app/billing/outbox.service';
import type { PaymentRail, RailResult } from '../../src/app/repayment/payment-rail';
import type { RepayInput } from '../../src/app/repayment/repayment.service';
import { repaymentAskClaimMs } from '../../src/storage/repositories/repayment-ask-claim.repository';
import { requestHash } from '../../src/ledger/request-hash';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import type { LedgerEntryDoc } from '../../src/storage/models/ledger-entry.model';
import type { NotificationDoc } from '../../src/storage/models/notification.model';
import type { RepaymentDoc } from '../../src/storage/models/repayment.model';
import type { Repositories } from '../../src/storage/repositories/repositories';
import {
  activePartnerUserKey,
  activeUserKey,
} from '../../src/storage/repositories/channel-binding.repository';
import { testDatabase } from '../support/test-database';
import { operator, userViewer, World, world } from '../support/world';

const declined = async () => ({ status: 'FAILED', reason: 'card expired' }) as const;
const approved = async () => ({ status: 'SUCCEEDED' }) as const;
const decliningRail: PaymentRail = { collect: declined, disburse: declined };
const approvingRail: PaymentRail = { collect: approved, disburse: approved };
const quiet: NotificationSender = { send: async () => undefined };

/** A bank that keeps a collection waiting (PENDING) until it is given its answer. */
function laterBank(): { rail: PaymentRail; answer(result: RailResult): void } {
  let answer: RailResult = { status: 'PENDING' };
  return {
    rail: { collect: async () => answer, disburse: approved },
    answer: (result) => {
      answer = result;
    },
  };
}

/** Alice buys a 299.00 tea set on 2030-04-01; her statement day is the 5th, due the 14th. */
async function billedAlice() {
  const t = await testDatabase();
  const w = await world(t.repos);
  await w.at('2030-04-01T02:00:00Z');
  const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'due-jobs-tea-1');
  await w.ship('MALL', tea._id);
  const sent: NotificationDoc[] = [];
  const sender: NotificationSender = { send: async (n) => void sent.push(n) };
  const runAt = async (iso: string, rail: PaymentRail) => {
    await w.at(iso);
    return createDueJobs(t.repos, w.clock(), rail, sender).run(operator);
  };
  /**
   * Frozen since the morning of 05-15, Alice pays everything: the line opens at once, and the next
   * day's review finds nothing more to change.
   */
  const payOffAndReopen = async (idempotencyKey: string) => {
    await w.at('2030-05-15T08:00:00Z');
    const payoff = await w.repay('u_alice', { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey });
    expect(payoff.userErrors).toEqual([]);
    expect(await w.line('u_alice')).toMatchObject({ status: 'ACTIVE', limitMinor: 2_030_000 });
    expect(await runAt('2030-05-16T04:00:00Z', decliningRail)).toMatchObject({ limitChanges: 0 });
  };
  /**
   * 299.00 billed 04-05, due 04-14; a second 299.00 bought 04-10 is billed 05-05, due 05-14. The card
   * declines on 04-14: the first bill is overdue from 04-15.
   */
  const secondBillAfterAnOverdueOne = async () => {
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    await w.at('2030-04-10T02:00:00Z');
    const second = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'due-jobs-tea-2');
    await w.ship('MALL', second._id);
    await runAt('2030-04-14T04:00:00Z', decliningRail);
    await runAt('2030-04-15T04:00:00Z', decliningRail);
    await runAt('2030-05-05T04:00:00Z', decliningRail);
  };
  return { t, w, runAt, sent, sender, payOffAndReopen, secondBillAfterAnOverdueOne };
}

describe('due jobs: statements, reminders, auto-debit through a rail', () => {
  test('statement and due-soon reminders are recorded once and sent; auto-debit on the due day pays the bill', async () => {
    const { t, runAt, sent } = await billedAlice();
    await using _db = t;
    expect(await runAt('2030-04-05T04:00:00Z', approvingRail)).toMatchObject({
      billsIssued: 1,
      notificationsSent: 1,
    });
    expect(await runAt('2030-04-12T04:00:00Z', approvingRail)).toMatchObject({
      billsIssued: 0,
      notificationsSent: 1,
    });
    expect(await runAt('2030-04-12T05:00:00Z', approvingRail)).toMatchObject({ notificationsSent: 0 });
    expect(await runAt('2030-04-14T04:00:00Z', approvingRail)).toMatchObject({
      autoDebits: 1,
      notificationsSent: 1,
    });
    expect(sent.map((n) => n.kind)).toEqual(['STATEMENT_ISSUED', 'DUE_SOON', 'AUTO_DEBIT_SUCCEEDED']);
    expect(sent[0]!.message).toContain('299.00 CNY, minimum 29.90, due 2030-04-14');
    expect(sent[2]!.message).toBe('We collected 299.00 CNY for your bill due 2030-04-14 from your bank card');
    const [bill] = await t.repos.bills.ofLine('cl_alice');
    expect(bill).toMatchObject({ status: 'PAID', owedMinor: 0, paid: { FULL_PAY_PRINCIPAL: 29_900 } });
    const [line] = await t.repos.creditLines.findByIds(['cl_alice']);
    expect(line).toMatchObject({ usedMinor: 0 });
  });

  test('an auto-debit that also pays an older overdue bill names it in its notice', async () => {
    const { t, w, runAt, sent, secondBillAfterAnOverdueOne } = await billedAlice();
    await using _db = t;
    await secondBillAfterAnOverdueOne();
    // 05-14 the card pays everything billed: the first bill's 299.00 and 30 days of 0.05% penalty
    // (04-15 to 05-14, floor(30 x 14.95) = 4.48), and the second bill's 299.00: 602.48.
    await runAt('2030-05-14T04:00:00Z', approvingRail);
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_SUCCEEDED').map((n) => n.message)).toEqual([
      'We collected 602.48 CNY for your bill due 2030-05-14 and your overdue bill due 2030-04-14 from your bank card',
    ]);
    // Declined at 12:00 on the due day: asked again from 16:00, but no run came that day.
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_FAILED').map((n) => n.message)).toEqual([
      'We could not collect your bill due 2030-04-14: The payment source declined: card expired. We will ask your bank card again from 16:00 today (Beijing time); to be sure the bill stays current, repay by hand today',
    ]);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0, status: 'ACTIVE' });
  });

  test("notices quote what keeps every bill current: an older bill's interest comes first", async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail); // bill A: 299.00, minimum 29.90, due 04-14
    await w.at('2030-04-10T02:00:00Z');
    await w.repay('u_alice', { kind: 'MINIMUM', source: 'BANK_CARD', idempotencyKey: 'notice-min-a' });
    await w.at('2030-04-20T02:00:00Z');
    const buds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'notice-buds-1'); // 499.00
    await w.ship('MALL', buds._id);
    // No jobs on 04-14 (no auto-debit). A revolves on 269.10 from 04-15: 13.455 fen a day.
    // 05-05, bill B: 499.00, minimum 49.90, due 05-14. A's interest for 21 days (04-15..05-05):
    // floor(282.555) = 2.82, paid before B's principal: 2.82 + 49.90 = 52.72 keeps both current.
    await runAt('2030-05-05T04:00:00Z', approvingRail);
    expect(sent.at(-1)!.message).toContain(
      '499.00 CNY, minimum 49.90, due 2030-05-14; 52.72 CNY keeps all your bills current now',
    );
    // 05-11, B's reminder quotes the due day (05-14), interest accrues until then: 30 days
    // (04-15..05-14): floor(403.65) = 4.03; 4.03 + 49.90 = 53.93. (As of 05-11 it would be 3.63 +
    // 49.90 = 53.53, which paid on 05-14 would leave B 0.40 under its minimum, to go overdue.)
    await runAt('2030-05-11T04:00:00Z', approvingRail);
    expect(sent.at(-1)).toMatchObject({ kind: 'DUE_SOON' });
    expect(sent.at(-1)!.message).toBe(
      'Your bill is due 2030-05-14: pay at least 53.93 CNY by then to stay current',
    );
    await w.at('2030-05-14T05:00:00Z');
    expect(
      (
        await w.repay('u_alice', {
          kind: 'AMOUNT',
          amountMinor: 5_393,
          source: 'BANK_CARD',
          idempotencyKey: 'notice-min-b',
        })
      ).userErrors,
    ).toEqual([]);
    // B is current after it: the next day finds nothing overdue.
    await runAt('2030-05-15T04:00:00Z', approvingRail);
    const bills = await t.repos.bills.ofLine('cl_alice');
    expect(bills.find((b) => b.statementDate === '2030-05-05')).toMatchObject({ status: 'PARTIALLY_PAID' });
    expect(sent.map((n) => n.kind)).not.toContain('OVERDUE');
  });

  test('a line that cannot be brought up to date is counted and logged; every other line goes on', async () => {
    const { t, w, runAt } = await billedAlice();
    await using _db = t;
    const tea = await w.buy('u_bob', 'MALL', 'mall-tea-set', 'due-jobs-bob-tea'); // Bob's statement day: 12
    await w.ship('MALL', tea._id);
    // Bob's stored head breaks an invariant (a negative limit): the core refuses to build on it.
    await t.db.models.creditLines.updateOne({ _id: 'cl_bob' }, { $set: { 'state.limitMinor': -1 } });
    // On 04-12 both statements are due (Alice's 04-05 one cut late): Bob's fails, Alice's is cut.
    expect(await runAt('2030-04-12T04:00:00Z', approvingRail)).toMatchObject({
      billsIssued: 1,
      linesFailed: 1,
    });
    expect((await t.repos.bills.ofLine('cl_alice')).map((bill) => bill.statementDate)).toEqual([
      '2030-04-05',
    ]);
    expect(await t.repos.bills.ofLine('cl_bob')).toEqual([]);
  });

  test('a reminder whose notice was lost (a crash after its ledger entry) is sent by the next run', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // The jobs of the 12th got as far as the reminder's entry, then died before its notice.
    await w.at('2030-04-12T04:00:00Z');
    const billId = 'cl_alice:2030-04-05';
    const outcome = await new LedgerWriter(t.repos).append({
      lineId: 'cl_alice',
      command: { type: 'REMIND_DUE_SOON', billId },
      key: `due-soon:${billId}`,
      requestHash: requestHash({ key: `due-soon:${billId}` }),
      now: new Date('2030-04-12T04:00:00Z'),
    });
    expect(outcome.status).toBe('APPLIED');
    // The next run writes no second entry, but the notice goes out, once.
    expect(await runAt('2030-04-12T05:00:00Z', approvingRail)).toMatchObject({
      remindersSent: 0,
      notificationsSent: 1,
    });
    expect(await runAt('2030-04-13T04:00:00Z', approvingRail)).toMatchObject({ notificationsSent: 0 });
    expect(sent.map((n) => n.kind)).toEqual(['STATEMENT_ISSUED', 'DUE_SOON']);
  });

  test('a declined auto-debit changes no balance, says so, and the bill goes overdue the next day', async () => {
    const { t, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', decliningRail);
    expect(await runAt('2030-04-14T04:00:00Z', decliningRail)).toMatchObject({ autoDebits: 1 });
    const [repayment] = await t.db.models.repayments.find().lean();
    expect(repayment).toMatchObject({ status: 'FAILED', failureReason: 'card expired', amountMinor: 29_900 });
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({ usedMinor: 29_900 });
    expect((await t.repos.ledger.all('cl_alice')).some((e) => e.type === 'REPAY')).toBe(false);
    expect(await runAt('2030-04-15T04:00:00Z', decliningRail)).toMatchObject({
      billsOverdue: 1,
      penaltiesAccrued: 1,
    });
    // The day's review cuts the limit for the overdue bill: 70% of 29,000.00 = 20,300.00. On 04-14
    // the collection runs before the line is walked, so its notice comes before the (late) reminder.
    expect(sent.map((n) => n.kind)).toEqual([
      'STATEMENT_ISSUED',
      'AUTO_DEBIT_FAILED',
      'DUE_SOON',
      'OVERDUE',
      'LIMIT_CUT',
    ]);
    expect(sent[4]!.message).toBe(
      'Your credit limit is now 20300.00 CNY (was 29000.00) because your bill due 2030-04-14 went overdue',
    );
    // 0.05% of 299.00 = 14.95 fen: the first overdue day accrues 14.
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({ penaltiesOwedMinor: 14 });
    // Running again the same day adds nothing, and an owed penalty never opens a bill for an old cycle.
    expect(await runAt('2030-04-15T06:00:00Z', decliningRail)).toMatchObject({
      billsIssued: 0,
      penaltiesAccrued: 0,
    });
    expect((await t.repos.bills.ofLine('cl_alice')).map((b) => b.statementDate)).toEqual(['2030-04-05']);
    // The next day accrues day 2 only: floor(29900 x 0.05% x 2) - 14 = 29 - 14 = 15.
    expect(await runAt('2030-04-16T04:00:00Z', decliningRail)).toMatchObject({ penaltiesAccrued: 1 });
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({ penaltiesOwedMinor: 29 });
  });

  test('a rail that confirms later: the repayment waits as INITIATED, then a due job settles it', async () => {
    const { t, w, runAt } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    let confirmed = false;
    const slowRail: PaymentRail = {
      collect: async () => (confirmed ? { status: 'SUCCEEDED' } : { status: 'PENDING' }),
      disburse: approved,
    };
    w.rail = slowRail;
    const first = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'PARTNER_WALLET',
      idempotencyKey: 'slow-rail-001',
    });
    expect(first).toMatchObject({ repayment: { status: 'INITIATED', amountMinor: 29_900 }, userErrors: [] });
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({ usedMinor: 29_900 });
    expect(await runAt('2030-04-06T04:00:00Z', slowRail)).toMatchObject({ repaymentsConfirmed: 0 });
    confirmed = true;
    expect(await runAt('2030-04-07T04:00:00Z', slowRail)).toMatchObject({ repaymentsConfirmed: 1 });
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({ usedMinor: 0 });
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({ status: 'PAID' });
    expect(await runAt('2030-04-08T04:00:00Z', slowRail)).toMatchObject({ repaymentsConfirmed: 0 });
  });

  test('an auto-debit the bank answers on a later day: no notice while it waits, then the one it would have sent', async () => {
    const { t, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    const bank = laterBank();
    expect(await runAt('2030-04-14T04:00:00Z', bank.rail)).toMatchObject({
      autoDebits: 1,
      repaymentsConfirmed: 0,
    });
    const autoDebitNotices = () => sent.filter((n) => n.kind.startsWith('AUTO_DEBIT')).map((n) => n.message);
    expect(autoDebitNotices()).toEqual([]);
    // Still waiting the next day: nothing yet.
    expect(await runAt('2030-04-15T04:00:00Z', bank.rail)).toMatchObject({ repaymentsConfirmed: 0 });
    expect(autoDebitNotices()).toEqual([]);
    bank.answer({ status: 'SUCCEEDED' });
    // The bank pays on 04-16: the 299.00 quoted on the due day, named for the bill it collected.
    expect(await runAt('2030-04-16T04:00:00Z', bank.rail)).toMatchObject({ repaymentsConfirmed: 1 });
    expect(autoDebitNotices()).toEqual([
      'We collected 299.00 CNY for your bill due 2030-04-14 from your bank card',
    ]);
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({
      usedMinor: 0,
      penaltiesOwedMinor: 0,
    });
    // Not judged overdue while the bank had not answered (asked on the due day): paid on time.
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({ status: 'PAID' });
    // Once: a later run sends nothing more.
    await runAt('2030-04-17T04:00:00Z', bank.rail);
    expect(autoDebitNotices()).toHaveLength(1);
  });

  test('an auto-debit whose notice cannot be recorded stays waiting on it: the next run records it once', async () => {
    const { t, w, runAt, sent, sender } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // The notices' database refuses the first auto-debit notice (a crash between the money and the notice).
    let refused = 0;
    const notifications = Object.assign(
      Object.create(Object.getPrototypeOf(t.repos.notifications) as object) as Repositories['notifications'],
      t.repos.notifications,
      {
        record: async (notice: NotificationDoc) => {
          if (notice._id.startsWith('autodebit:') && refused++ === 0) throw new Error('database unavailable');
          return t.repos.notifications.record(notice);
        },
      },
    );
    const bank = railBy(() => ({ status: 'SUCCEEDED' }));
    await w.at('2030-04-14T04:00:00Z');
    const first = await createDueJobs({ ...t.repos, notifications }, w.clock(), bank.rail, sender).run(
      operator,
    );
    expect(first).toMatchObject({ linesFailed: 1 });
    // The money landed (299.00 paid), but the repayment waits on its notice: still INITIATED.
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({ status: 'PAID' });
    const key = 'u_alice:autodebit:cl_alice:2030-04-05';
    expect(await t.repos.repayments.inFlightOfLine('cl_alice', 20)).toMatchObject([{ idempotencyKey: key }]);
    // The next run asks the bank again (the same key: collected once), records the notice, then the status.
    await w.at('2030-04-14T05:00:00Z');
    expect(
      await createDueJobs({ ...t.repos, notifications }, w.clock(), bank.rail, sender).run(operator, {
        walkLines: false,
      }),
    ).toMatchObject({ repaymentsConfirmed: 1 });
    expect(bank.asked).toEqual([`${key} 29900`, `${key} 29900`]);
    expect(sent.filter((n) => n.kind.startsWith('AUTO_DEBIT')).map((n) => n.message)).toEqual([
      'We collected 299.00 CNY for your bill due 2030-04-14 from your bank card',
    ]);
    expect(await t.repos.repayments.inFlightOfLine('cl_alice', 20)).toEqual([]);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0, creditBalanceMinor: 0 });
  });

  test('an auto-debit the bank declines on a later day says so then', async () => {
    const { t, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    const bank = laterBank();
    await runAt('2030-04-14T04:00:00Z', bank.rail);
    bank.answer({ status: 'FAILED', reason: 'insufficient funds' });
    expect(await runAt('2030-04-15T04:00:00Z', bank.rail)).toMatchObject({ repaymentsConfirmed: 1 });
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_FAILED').map((n) => n.message)).toEqual([
      'We could not collect your bill due 2030-04-14: The payment source declined: insufficient funds',
    ]);
  });

  test('a late auto-debit names the overdue bill its quote also paid, as it stood the day asked', async () => {
    const { t, w, runAt, sent, secondBillAfterAnOverdueOne } = await billedAlice();
    await using _db = t;
    // As in the on-time case above; the bank answers the 05-14 auto-debit on 05-15 only.
    await secondBillAfterAnOverdueOne();
    const bank = laterBank();
    await runAt('2030-05-14T04:00:00Z', bank.rail);
    bank.answer({ status: 'SUCCEEDED' });
    expect(await runAt('2030-05-15T04:00:00Z', bank.rail)).toMatchObject({ repaymentsConfirmed: 1 });
    // Quoted on 05-14: 299.00 + 4.48 of penalty (04-15 to 05-14) + 299.00 = 602.48; the penalty of
    // 05-15 is waived (the quote counts from the day asked).
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_SUCCEEDED').map((n) => n.message)).toEqual([
      'We collected 602.48 CNY for your bill due 2030-05-14 and your overdue bill due 2030-04-14 from your bank card',
    ]);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0 });
  });

  test("a client's repayment keyed like another line's auto-debit is not taken for one", async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await w.at('2030-04-02T02:00:00Z');
    const bobs = await w.buy('u_bob', 'MALL', 'mall-tea-set', 'due-jobs-bob-tea');
    await w.ship('MALL', bobs._id);
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // Bob's statement day is the 12th (demo data).
    await runAt('2030-04-12T04:00:00Z', approvingRail);
    const bobsBill = (await t.repos.bills.ofLine('cl_bob'))[0]!;
    expect(bobsBill._id).toBe('cl_bob:2030-04-12');
    // Alice pays her own statement with Bob's auto-debit key; the bank answers the next day.
    const bank = laterBank();
    w.rail = bank.rail;
    await w.at('2030-04-12T08:00:00Z');
    const alices = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: `autodebit:${bobsBill._id}`,
    });
    expect(alices.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 29_900 });
    bank.answer({ status: 'SUCCEEDED' });
    expect(await runAt('2030-04-13T04:00:00Z', w.rail)).toMatchObject({ repaymentsConfirmed: 1 });
    expect(sent.filter((n) => n.kind.startsWith('AUTO_DEBIT'))).toEqual([]);
    // Alice's bill is paid, so her due day collects nothing; Bob's due day gets his notice (the
    // notice's key, which is the auto-debit's, was not taken by Alice's repayment).
    await runAt('2030-04-14T04:00:00Z', approvingRail);
    await runAt(`${bobsBill.dueDate}T04:00:00Z`, approvingRail);
    expect(sent.filter((n) => n.kind.startsWith('AUTO_DEBIT')).map((n) => [n.userId, n.message])).toEqual([
      ['u_bob', `We collected 299.00 CNY for your bill due ${bobsBill.dueDate} from your bank card`],
    ]);
  });

  test('paying the minimum keeps the bill current; the rest accrues 0.05% daily interest', async () => {
    const { t, w, runAt } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    await w.at('2030-04-10T02:00:00Z');
    const minimum = await w.repay('u_alice', {
      kind: 'MINIMUM',
      source: 'BANK_CARD',
      idempotencyKey: 'pay-minimum-01',
    });
    expect(minimum.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 2_990 });
    // Three days past the due day: not overdue; 26910 unpaid x 0.05% = 13.455 fen a day; the
    // sub-fen remainder carries: 13, 13, 14 = 40 = floor(40.365).
    expect(await runAt('2030-04-17T04:00:00Z', approvingRail)).toMatchObject({
      billsOverdue: 0,
      penaltiesAccrued: 0,
      interestAccrued: 3,
    });
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({
      status: 'PARTIALLY_PAID',
      paid: { FULL_PAY_PRINCIPAL: 2_990 },
      billed: { INTEREST: 40 },
    });
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({
      interestOwedMinor: 40,
      installmentFeesOwedMinor: 0,
      penaltiesOwedMinor: 0,
    });
    expect(await runAt('2030-04-17T05:00:00Z', approvingRail)).toMatchObject({ interestAccrued: 0 });
  });

  test('a payout the card refuses is reversed: the credit balance is whole again, and the retry says the same', async () => {
    const { t, w, runAt } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    await w.repay('u_alice', { kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey: 'payout-pay-01' });
    const [order] = await t.repos.mallOrders.all();
    await w.refund('MALL', order!._id, 29_900, 'payout-refund-1'); // paid already: 299.00 credit balance
    w.rail = decliningRail;
    const refused = await w.payOut('u_alice', { idempotencyKey: 'payout-try-001' });
    expect(refused).toEqual({
      amountMinor: null,
      status: 'REVERSED',
      userErrors: [expect.objectContaining({ code: 'PAYMENT_FAILED', field: null })],
    });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900 });
    const types = (await t.repos.ledger.all('cl_alice')).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['PAY_OUT_CREDIT', 'REVERSE_PAYOUT']);
    // Retried with the same key once the card works again: still the refusal, nothing paid twice.
    w.rail = approvingRail;
    const retried = await w.payOut('u_alice', { idempotencyKey: 'payout-try-001' });
    expect(retried.userErrors[0]!.code).toBe('PAYMENT_FAILED');
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900 });
    expect(await w.payOut('u_alice', { idempotencyKey: 'payout-try-002' })).toEqual({
      amountMinor: 29_900,
      status: 'PAID',
      userErrors: [],
    });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0 });
  });

  test("a bill the user's own command found overdue first still gets its overdue notice, once", async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // No jobs ran on the 14th (the due day). On the 15th Alice repays 1.00 before they run: the
    // day's accrual is written first, as an entry of its own, which judges the bill overdue (minimum
    // 29.90 not met) and accrues the first penalty day: 0.05% of 299.00 = 14.95 fen, 14 kept.
    await w.at('2030-04-15T03:00:00Z');
    const updates = new BillUpdatesService(
      t.repos,
      new LineWatch(t.repos, ledgerNotices, 100),
      w.clock(),
      new PartnerCursorSeal('a test secret for cursors'),
    );
    const stream = await updates.follow({ userId: 'u_alice', scopes: ['user'] }, null);
    const lateRepayment = {
      kind: 'AMOUNT',
      amountMinor: 100,
      source: 'BANK_CARD',
      idempotencyKey: 'late-repay-1',
    } as const;
    try {
      const repaid = await w.repay('u_alice', lateRepayment);
      expect(repaid.userErrors).toEqual([]);
      // Her app hears the bill went overdue (the penalty already on it), then of her repayment:
      // 299.00 + 0.14 = 299.14 owed, then 298.14.
      const overdue = (await stream.next()).value!;
      // Once overdue, all it owes is what keeps it current (as the bill itself shows).
      expect(overdue.billAfter).toMatchObject({
        status: 'OVERDUE',
        owedMinor: 29_914,
        remainingMinimumMinor: 29_914,
      });
      expect(overdue.kind).toBe('OVERDUE');
      const repayment = (await stream.next()).value!;
      expect(repayment.kind).toBe('REPAYMENT_SUCCEEDED');
      expect(repayment.billAfter).toMatchObject({ owedMinor: 29_814, remainingMinimumMinor: 29_814 });
    } finally {
      await stream.return!();
    }
    // The jobs accrue nothing more that day, but the overdue notice is theirs to send:
    // 299.00 + 0.14 - 1.00 = 298.14 unpaid.
    expect(await runAt('2030-04-15T04:00:00Z', approvingRail)).toMatchObject({
      billsOverdue: 1,
      penaltiesAccrued: 0,
    });
    expect(sent.map((n) => n.kind)).toEqual(['STATEMENT_ISSUED', 'OVERDUE', 'LIMIT_CUT']);
    expect(sent[1]!.message).toContain('is overdue: 298.14 CNY unpaid');
    // A retry the next day is a replay: it writes nothing, not even that day's accrual.
    await w.at('2030-04-16T03:00:00Z');
    const headBefore = (await t.repos.creditLines.byId('cl_alice'))!.headSequence;
    expect((await w.repay('u_alice', lateRepayment)).userErrors).toEqual([]);
    expect((await t.repos.creditLines.byId('cl_alice'))!.headSequence).toBe(headBefore);
    // The next day accrues a day more and notices nothing again.
    expect(await runAt('2030-04-16T04:00:00Z', approvingRail)).toMatchObject({
      billsOverdue: 0,
      penaltiesAccrued: 1,
    });
    expect(sent.map((n) => n.kind)).toEqual(['STATEMENT_ISSUED', 'OVERDUE', 'LIMIT_CUT']);
  });

  test('a bill gone overdue and paid in full before the jobs ran that day still cuts the limit, once, saying which bill', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // No jobs on the due day (04-14). On the 15th, before the jobs, Alice pays everything: the day's
    // accrual judges the bill overdue first (299.00 + 0.14 penalty), then 299.14 settles it.
    await w.at('2030-04-15T03:00:00Z');
    const all = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'settle-before-review',
    });
    expect(all.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 29_914 });
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({ status: 'SETTLED' });
    // The review that day cuts for it: 70% of 29,000.00 = 20,300.00 (nothing is used).
    expect(await runAt('2030-04-15T04:00:00Z', approvingRail)).toMatchObject({ limitChanges: 1 });
    expect(await w.line('u_alice')).toMatchObject({ limitMinor: 2_030_000, usedMinor: 0 });
    // No OVERDUE notice (nothing is owed any more); the cut's notice names the bill and says why.
    expect(
      sent.filter((n) => ['OVERDUE', 'LIMIT_CUT'].includes(n.kind)).map((n) => [n.kind, n.message]),
    ).toEqual([
      [
        'LIMIT_CUT',
        'Your credit limit is now 20300.00 CNY (was 29000.00) because your bill due 2030-04-14 went overdue (paid since: a bill that went overdue lowers the limit once, paid or not)',
      ],
    ]);
    // Once: the next days' reviews cut nothing more.
    expect(await runAt('2030-04-16T04:00:00Z', approvingRail)).toMatchObject({ limitChanges: 0 });
    expect(await w.line('u_alice')).toMatchObject({ limitMinor: 2_030_000 });
  });

  test('a cut, a freeze and an unfreeze each send the shopper one notice', async () => {
    const { t, w, runAt, sent, payOffAndReopen } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', decliningRail);
    await runAt('2030-04-14T04:00:00Z', decliningRail);
    // 04-15: the bill due 04-14 is overdue; the review cuts 29,000.00 to 70% = 20,300.00 (above the
    // 299.00 used).
    expect(await runAt('2030-04-15T04:00:00Z', decliningRail)).toMatchObject({ limitChanges: 1 });
    // 05-15: 31 days past 04-14, more than 30: frozen (the limit stays).
    expect(await runAt('2030-05-15T04:00:00Z', decliningRail)).toMatchObject({ limitChanges: 1 });
    expect(await w.line('u_alice')).toMatchObject({ status: 'FROZEN', limitMinor: 2_030_000 });
    // A second run that day changes and sends nothing more.
    const before = sent.length;
    expect(await runAt('2030-05-15T06:00:00Z', decliningRail)).toMatchObject({
      limitChanges: 0,
      notificationsSent: 0,
    });
    expect(sent).toHaveLength(before);
    // Alice pays everything: the payment unfreezes the line.
    await payOffAndReopen('unfreeze-1');
    const reviewKinds = new Set(['LIMIT_RAISED', 'LIMIT_CUT', 'LINE_FROZEN', 'LINE_UNFROZEN']);
    // Each notice's id names the line: review ids (unfreeze:<day>, raise:...) repeat across lines.
    expect(sent.filter((n) => reviewKinds.has(n.kind)).map((n) => n._id)).toEqual([
      'review:cl_alice:cut:cl_alice:2030-04-05',
      'review:cl_alice:freeze:cl_alice:2030-04-05',
      'review:cl_alice:unfreeze:2030-05-15',
    ]);
    expect(sent.filter((n) => reviewKinds.has(n.kind)).map((n) => [n.kind, n.message])).toEqual([
      [
        'LIMIT_CUT',
        'Your credit limit is now 20300.00 CNY (was 29000.00) because your bill due 2030-04-14 went overdue',
      ],
      [
        'LINE_FROZEN',
        'Your credit line is frozen: a bill is more than 30 days overdue. Pay what is overdue; it opens again once nothing is overdue, at once when a payment or refund pays the last overdue bill',
      ],
      ['LINE_UNFROZEN', 'Your credit line is active again: nothing is overdue'],
    ]);
  });

  test('a cut that waited while the whole limit was used is made as the paid-up line opens', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    // Carol: limit 50.00, statement day 20 (due the 1st of the next month). A 50.00 top-up uses it all.
    await w.at('2030-02-10T02:00:00Z');
    const topUp = await w.buy('u_carol', 'MALL', 'mall-phone-topup-50', 'waiting-cut-1');
    await w.ship('MALL', topUp._id);
    await w.at('2030-02-20T04:00:00Z');
    await w.runDueJobs(); // statement 50.00, due 03-01
    // 03-02: overdue; 70% of 50.00 = 35.00 is below the 50.00 used: the cut waits.
    await w.at('2030-03-02T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ billsOverdue: 1, limitChanges: 0 });
    // 04-01: 31 days past 03-01: frozen, the limit still 50.00.
    await w.at('2030-04-01T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ limitChanges: 1 });
    expect(await w.line('u_carol')).toMatchObject({ status: 'FROZEN', limitMinor: 5_000 });
    // Paid up (50.00 + floor(5,000 x 5 x 31 / 10,000) = 77 fen of penalty): it opens with the cut
    // made, 35.00, all of it available.
    await w.at('2030-04-01T08:00:00Z');
    const paid = await w.repay('u_carol', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'waiting-cut-pay',
    });
    expect(paid.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 5_077 });
    expect(await w.line('u_carol')).toMatchObject({
      status: 'ACTIVE',
      limitMinor: 3_500,
      availableMinor: 3_500,
    });
    expect(await t.repos.notifications.byId('review:cl_carol:unfreeze:2030-04-01')).toMatchObject({
      kind: 'LINE_UNFROZEN',
      message:
        'Your credit line is active again: nothing is overdue. Your credit limit is now 35.00 CNY (was 50.00) because your bill due 2030-03-01 went overdue',
    });
    // The cut is made once: the next day's review has nothing left to do.
    await w.at('2030-04-02T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ limitChanges: 0 });
    expect(await w.line('u_carol')).toMatchObject({ limitMinor: 3_500 });
  });

  test('a refund that leaves penalties owing keeps the line frozen; paying them opens it at once', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    const tea = await t.repos.mallOrders.byIdempotencyKey('u_alice:due-jobs-tea-1');
    await runAt('2030-04-05T04:00:00Z', decliningRail);
    await runAt('2030-04-14T04:00:00Z', decliningRail);
    await runAt('2030-04-15T04:00:00Z', decliningRail);
    await runAt('2030-05-15T04:00:00Z', decliningRail);
    expect(await w.line('u_alice')).toMatchObject({ status: 'FROZEN', limitMinor: 2_030_000 });
    // 299.00 overdue from 04-15 to 05-15, 31 days at 0.05% (5 bp): floor(29,900 x 5 x 31 / 10,000)
    // = floor(463.45) = 463 fen. The full refund of 299.00 pays 299.00 of the 303.63 owed: 4.63 stays overdue.
    await w.at('2030-05-15T08:00:00Z');
    const refund = await w.refund('MALL', tea!._id, 29_900, 'refund-while-frozen');
    expect(refund.userErrors).toEqual([]);
    expect(await w.line('u_alice')).toMatchObject({ status: 'FROZEN' });
    expect((await w.bills('u_alice')).map((bill) => [bill.status, bill.owedMinor])).toEqual([
      ['OVERDUE', 463],
    ]);
    // An AMOUNT repayment of the 4.63 leaves nothing overdue: open now, not at the next review.
    const paid = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 463,
      source: 'BANK_CARD',
      idempotencyKey: 'penalties-while-frozen',
    });
    expect(paid.userErrors).toEqual([]);
    expect(await w.line('u_alice')).toMatchObject({ status: 'ACTIVE', limitMinor: 2_030_000 });
    // The same repayment again replays: no second unfreeze, no second notice.
    await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 463,
      source: 'BANK_CARD',
      idempotencyKey: 'penalties-while-frozen',
    });
    const reviews = (await t.repos.ledger.after('cl_alice', 0)).filter(
      (entry) => entry.type === 'REVIEW_LIMIT',
    );
    // The cut, the freeze, the unfreeze: each once.
    expect(reviews.map((entry) => entry.stateAfter.status)).toEqual(['ACTIVE', 'FROZEN', 'ACTIVE']);
    await runAt('2030-05-16T04:00:00Z', decliningRail);
    expect(sent.filter((n) => n.kind === 'LINE_UNFROZEN').map((n) => n._id)).toEqual([
      'review:cl_alice:unfreeze:2030-05-15',
    ]);
  });

  test('three bills paid on time raise the limit, capped at 30,000.00, and the shopper is told once', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    // Each month a 299.00 tea set, its statement on the 5th, auto-debited in full on the due day (14th).
    for (const [month, key] of [
      ['04', ''],
      ['05', 'raise-tea-05'],
      ['06', 'raise-tea-06'],
    ] as const) {
      if (key) {
        await w.at(`2030-${month}-01T02:00:00Z`);
        const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', key);
        await w.ship('MALL', tea._id);
      }
      await runAt(`2030-${month}-05T04:00:00Z`, approvingRail);
      await runAt(`2030-${month}-14T04:00:00Z`, approvingRail);
    }
    // Bills 1-3 paid on time: a raise of 10% of 29,000.00 = 31,900.00, capped at 30,000.00.
    await runAt('2030-06-15T04:00:00Z', approvingRail);
    expect(await w.line('u_alice')).toMatchObject({ limitMinor: 3_000_000, status: 'ACTIVE' });
    const raised = sent.filter((n) => n.kind === 'LIMIT_RAISED');
    expect(raised.map((n) => [n._id, n.message])).toEqual([
      [
        // The first raise of the streak that began with the line's first on-time bill.
        'review:cl_alice:raise:ontime0:1',
        'Your credit limit is now 30000.00 CNY (was 29000.00): raised for paying your bills on time',
      ],
    ]);
    // The next day's run raises nothing more (at the cap, and no new streak of three).
    await runAt('2030-06-16T04:00:00Z', approvingRail);
    expect(sent.filter((n) => n.kind === 'LIMIT_RAISED')).toHaveLength(1);
  });

  test('a partner hears of the cut only with AVAILABLE_CREDIT, of the freeze and unfreeze only with CREDIT_STATUS', async () => {
    const { t, w, runAt, payOffAndReopen } = await billedAlice();
    await using _db = t;
    // Four partners Alice bound on 04-01, each consenting to bills and to more, or not.
    const consents = {
      p_bills_only: ['BILL_SUMMARY'],
      p_status_too: ['BILL_SUMMARY', 'CREDIT_STATUS'],
      p_available_too: ['BILL_SUMMARY', 'AVAILABLE_CREDIT'],
      p_both_too: ['BILL_SUMMARY', 'CREDIT_STATUS', 'AVAILABLE_CREDIT'],
    } as const;
    const grantedAt = new Date('2030-04-01T03:00:00Z');
    for (const [partnerId, fields] of Object.entries(consents)) {
      await t.repos.channelBindings.insertOnce({
        _id: `cb_alice_${partnerId}`,
        userId: 'u_alice',
        partnerId,
        partnerUserId: `${partnerId}-alice`,
        status: 'ACTIVE',
        consent: {
          purpose: 'bill reminders',
          fields: [...fields],
          grantedAt,
          expiresAt: new Date('2031-04-01'),
        },
        createdAt: grantedAt,
        activePartnerUserKey: activePartnerUserKey(partnerId, `${partnerId}-alice`),
        activeUserKey: activeUserKey(partnerId, 'u_alice'),
      });
    }
    const updates = new BillUpdatesService(
      t.repos,
      new LineWatch(t.repos, ledgerNotices, 100),
      w.clock(),
      new PartnerCursorSeal('a test secret for cursors'),
    );
    const streams: Record<string, AsyncIterableIterator<BillUpdateEvent>> = Object.fromEntries(
      await Promise.all(
        Object.keys(consents).map(async (partnerId) => [
          partnerId,
          await updates.follow({ userId: partnerId, scopes: ['bindings'], partnerId }, null),
        ]),
      ),
    );
    try {
      // As in the test above: a cut on 04-15, a freeze on 05-15, paid off and unfrozen; then a
      // purchase and its statement on 06-05, the last update every stream gets.
      await runAt('2030-04-05T04:00:00Z', decliningRail);
      await runAt('2030-04-14T04:00:00Z', decliningRail);
      await runAt('2030-04-15T04:00:00Z', decliningRail);
      await runAt('2030-05-15T04:00:00Z', decliningRail);
      await payOffAndReopen('payoff-partners-1');
      const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'after-unfreeze');
      await w.ship('MALL', tea._id);
      await runAt('2030-06-05T04:00:00Z', decliningRail);
      const lastStatement = new Date('2030-06-05T00:00:00Z').getTime();
      const heard: Record<string, { kind: string; available: number | null }[]> = {};
      for (const [partnerId, stream] of Object.entries(streams)) {
        heard[partnerId] = [];
        for (;;) {
          const update = (await stream.next()).value!;
          heard[partnerId].push({ kind: update.kind, available: update.availableAfterMinor });
          if (update.kind === 'STATEMENT_ISSUED' && update.occurredAt.getTime() >= lastStatement) break;
        }
      }
      const kinds = (partnerId: string) => heard[partnerId]!.map((update) => update.kind);
      const lineKinds = new Set(['LIMIT_CHANGED', 'LINE_STATUS_CHANGED']);
      const purchaseKinds = new Set(['PURCHASE_AUTHORIZED', 'PURCHASE_CAPTURED']);
      const otherKinds = (partnerId: string) => kinds(partnerId).filter((kind) => !lineKinds.has(kind));
      // Everything about bills reaches all four alike; the purchase not billed yet, only the two
      // with AVAILABLE_CREDIT.
      const billKinds = otherKinds('p_bills_only');
      expect(billKinds).toEqual(
        expect.arrayContaining(['OVERDUE', 'REPAYMENT_SUCCEEDED', 'STATEMENT_ISSUED']),
      );
      expect(billKinds.filter((kind) => purchaseKinds.has(kind))).toEqual([]);
      expect(otherKinds('p_status_too')).toEqual(billKinds);
      expect(otherKinds('p_both_too')).toEqual(otherKinds('p_available_too'));
      expect(otherKinds('p_available_too').filter((kind) => !purchaseKinds.has(kind))).toEqual(billKinds);
      expect(otherKinds('p_available_too').filter((kind) => purchaseKinds.has(kind))).toEqual([
        'PURCHASE_AUTHORIZED',
        'PURCHASE_CAPTURED',
      ]);
      expect(kinds('p_bills_only').filter((kind) => lineKinds.has(kind))).toEqual([]);
      expect(kinds('p_status_too').filter((kind) => lineKinds.has(kind))).toEqual([
        'LINE_STATUS_CHANGED',
        'LINE_STATUS_CHANGED',
      ]);
      // Available credit: 20,300.00 - 299.00 = 20,001.00 after the cut (29,000.00 - 299.00 before),
      // 0 while frozen, 20,300.00 once paid off and open again. Without CREDIT_STATUS, only the cut.
      const lineUpdates = (partnerId: string) =>
        heard[partnerId]!.filter((update) => lineKinds.has(update.kind));
      expect(lineUpdates('p_available_too')).toEqual([{ kind: 'LIMIT_CHANGED', available: 2_000_100 }]);
      expect(lineUpdates('p_both_too')).toEqual([
        { kind: 'LIMIT_CHANGED', available: 2_000_100 },
        { kind: 'LINE_STATUS_CHANGED', available: 0 },
        { kind: 'LINE_STATUS_CHANGED', available: 2_030_000 },
      ]);
      expect(heard['p_status_too']!.every((update) => update.available === null)).toBe(true);
      // Alice's log says what each partner was shown: the status only to the one that heard of it.
      const reads = (await t.repos.partnerAccess.accessPageOfUser('u_alice', { first: 100 })).items.filter(
        (read) => read.operation === 'billUpdated',
      );
      const fieldsShown = (partnerId: string) =>
        new Set(reads.filter((read) => read.partnerId === partnerId).flatMap((read) => read.fields));
      expect([...fieldsShown('p_bills_only')]).toEqual(['BILL_SUMMARY']);
      expect([...fieldsShown('p_status_too')].sort()).toEqual(['BILL_SUMMARY', 'CREDIT_STATUS']);
      expect([...fieldsShown('p_available_too')].sort()).toEqual(['AVAILABLE_CREDIT', 'BILL_SUMMARY']);
      expect([...fieldsShown('p_both_too')].sort()).toEqual([
        'AVAILABLE_CREDIT',
        'BILL_SUMMARY',
        'CREDIT_STATUS',
      ]);
    } finally {
      for (const stream of Object.values(streams)) await stream.return!();
    }
  });

  test('a bill paid in full after the walk read its line gets no overdue notice', async () => {
    const { t, w, runAt, sent, sender } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // As above: Alice's 1.00 on the 15th judges the bill overdue (298.14 left).
    await w.at('2030-04-15T03:00:00Z');
    const late = {
      kind: 'AMOUNT',
      amountMinor: 100,
      source: 'BANK_CARD',
      idempotencyKey: 'late-repay-2',
    } as const;
    expect((await w.repay('u_alice', late)).userErrors).toEqual([]);
    await w.at('2030-04-15T04:00:00Z');
    // The jobs' walk reads her line, then her payment of all 298.14 lands (a request running
    // alongside) before they look at her bills: the copy they read still says overdue and owing.
    const { creditLines } = t.repos;
    let paidAfterRead = false;
    const walkedRepos = {
      ...t.repos,
      creditLines: Object.assign(Object.create(creditLines) as typeof creditLines, {
        pageOfStatus: async (...args: Parameters<typeof creditLines.pageOfStatus>) => {
          const page = await creditLines.pageOfStatus(...args);
          if (!paidAfterRead && page.some((line) => line._id === 'cl_alice')) {
            paidAfterRead = true;
            const all = {
              kind: 'AMOUNT',
              amountMinor: 29_814,
              source: 'BANK_CARD',
              idempotencyKey: 'repay-all-after-read',
            } as const;
            expect((await w.repay('u_alice', all)).userErrors).toEqual([]);
          }
          return page;
        },
      }),
    };
    const report = await createDueJobs(walkedRepos, w.clock(), approvingRail, sender).run(operator);
    expect(paidAfterRead).toBe(true);
    expect(report).toMatchObject({ billsOverdue: 0 });
    // Paid, but it went overdue first: the review still cuts (and says so).
    expect(sent.map((n) => n.kind)).toEqual(['STATEMENT_ISSUED', 'LIMIT_CUT']);
    expect((await t.repos.creditLines.byId('cl_alice'))!.usedMinor).toBe(0);
  });

  test("days a late statement cut accrues are counted too, not only those of the day's accrual", async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // A second tea set on the 10th goes on the May statement; then nothing runs until May 6th.
    await w.at('2030-04-10T02:00:00Z');
    await w.ship('MALL', (await w.buy('u_alice', 'MALL', 'mall-tea-set', 'late-cut-2'))._id);
    // May 6th: the day's accrual goes before the cut of the 5th and brings the April bill (due April
    // 14th, nothing paid) up to date: overdue from the 15th, 22 penalty days (15th to 6th).
    const report = await runAt('2030-05-06T04:00:00Z', approvingRail);
    expect(report).toMatchObject({
      billsIssued: 1,
      billsOverdue: 1,
      penaltiesAccrued: 22,
      interestAccrued: 0,
    });
    expect(sent.map((n) => n.kind)).toEqual(['STATEMENT_ISSUED', 'STATEMENT_ISSUED', 'OVERDUE', 'LIMIT_CUT']);
  });

  test('binding and payment codes are swept 30 days after they expire, not before', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    const code = (id: string, expiresAt: string) => ({
      _id: id,
      createdAt: new Date('2030-03-01T00:00:00Z'),
      expiresAt: new Date(expiresAt),
    });
    const request = (id: string, expiresAt: string) => ({
      ...code(id, expiresAt),
      partnerId: 'pt_wallet',
      partnerUserId: 'pu_1',
      purpose: 'bill reminders',
      fields: ['BILL_SUMMARY'],
      expiresInDays: 30,
    });
    for (const [id, expiresAt] of [
      ['old', '2030-04-01T02:00:00Z'],
      ['recent', '2030-04-02T02:00:00Z'],
    ] as const) {
      expect(await t.repos.partnerAccess.insertBindingRequest(request(`br_${id}`, expiresAt))).toBe(true);
      expect(
        await t.repos.partnerAccess.insertPaymentCode({ ...code(`pc_${id}`, expiresAt), userId: 'u_alice' }),
      ).toBe(true);
    }
    // 2030-05-01T04:00 less 30 days is 2030-04-01T04:00: the old ones expired before it, the recent ones after.
    await w.at('2030-05-01T04:00:00Z');
    await createDueJobs(t.repos, w.clock(), approvingRail, quiet).run(operator);
    const { partnerAccess } = t.repos;
    expect(await partnerAccess.bindingRequest('br_old')).toBeUndefined();
    expect(await partnerAccess.paymentCode('pc_old')).toBeUndefined();
    expect(await partnerAccess.bindingRequest('br_recent')).toMatchObject({ partnerUserId: 'pu_1' });
    expect(await partnerAccess.paymentCode('pc_recent')).toMatchObject({ userId: 'u_alice' });
  });

  test('the jobs reach every line when the lines take more than one read', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-04-01T02:00:00Z');
    await w.ship('MALL', (await w.buy('u_alice', 'MALL', 'mall-tea-set', 'walk-alice'))._id);
    await w.ship('MALL', (await w.buy('u_bob', 'MALL', 'mall-tea-set', 'walk-bob'))._id);
    await w.at('2030-04-12T04:00:00Z');
    // One line per read: cl_alice, cl_bob, cl_carol come in three. Alice's statement day (5th) and
    // Bob's (12th) have both passed, so each gets a bill; Carol bought nothing.
    const report = await createDueJobs(t.repos, w.clock(), approvingRail, quiet, 1).run(operator);
    expect(report).toMatchObject({ billsIssued: 2 });
    expect((await t.repos.bills.ofLine('cl_alice')).map((bill) => bill.statementDate)).toEqual([
      '2030-04-05',
    ]);
    expect((await t.repos.bills.ofLine('cl_bob')).map((bill) => bill.statementDate)).toEqual(['2030-04-12']);
  });

  test('the walk of the lines meets each once, a status at a time in _id order, across reads', async () => {
    await using t = await testDatabase();
    const statuses = ['FROZEN', 'ACTIVE', 'CLOSED', 'ACTIVE', 'PENDING_REVIEW', 'ACTIVE', 'FROZEN'];
    await t.db.connection
      .collection('creditLines')
      .insertMany(statuses.map((status, n) => ({ _id: `cl_${n}` as never, userId: `u_${n}`, status })));
    const met: string[] = [];
    for await (const line of everyLine(t.repos, 2)) met.push(`${line.status} ${line._id}`);
    // Statuses in their declared order (PENDING_REVIEW, ACTIVE, FROZEN, CLOSED), ids ascending within;
    // ACTIVE's three lines take two reads of 2.
    expect(met).toEqual([
      'PENDING_REVIEW cl_4',
      'ACTIVE cl_1',
      'ACTIVE cl_3',
      'ACTIVE cl_5',
      'FROZEN cl_0',
      'FROZEN cl_6',
      'CLOSED cl_2',
    ]);

    // A line the walk's own work freezes (cl_1, after the first read of ACTIVE) is met again under
    // FROZEN, and no other line is missed or met twice.
    const lines = t.db.connection.collection('creditLines');
    const again: string[] = [];
    for await (const line of everyLine(t.repos, 2)) {
      again.push(`${line.status} ${line._id}`);
      if (line._id === 'cl_1')
        await lines.updateOne({ _id: 'cl_1' as never }, { $set: { status: 'FROZEN' } });
    }
    expect(again).toEqual([
      'PENDING_REVIEW cl_4',
      'ACTIVE cl_1',
      'ACTIVE cl_3',
      'ACTIVE cl_5',
      'FROZEN cl_0',
      'FROZEN cl_1',
      'FROZEN cl_6',
      'CLOSED cl_2',
    ]);
  });
});

/** A rail that answers each repayment by its own rule, and lists what it was asked to collect. */
function railBy(answer: (repayment: RepaymentDoc) => RailResult) {
  const asked: string[] = [];
  const rail: PaymentRail = {
    collect: async (repayment) => {
      asked.push(`${repayment.idempotencyKey} ${repayment.amountMinor}`);
      return answer(repayment);
    },
    disburse: approved,
  };
  return { rail, asked };
}

/**
 * Alice asks `input` at `iso` of a bank that keeps it waiting (PENDING) and collects anything else at
 * once (the world's bank from then on); it is recorded INITIATED for `amountMinor`.
 */
async function askedOfASlowBank(w: World, iso: string, input: RepayInput, amountMinor: number) {
  const bank = railBy((repayment) =>
    repayment.idempotencyKey.endsWith(`:${input.idempotencyKey}`)
      ? { status: 'PENDING' }
      : { status: 'SUCCEEDED' },
  );
  w.rail = bank.rail;
  await w.at(iso);
  const asked = await w.repay('u_alice', input);
  expect(asked.repayment).toMatchObject({ status: 'INITIATED', amountMinor });
  return bank;
}

describe('repayments waiting on their source count as paid: nothing is collected twice', () => {
  const notNeeded =
    'Nothing was collected from your bank card for your bill due 2030-04-14: the repayment waiting on your payment source pays it. The bill is paid when the source confirms it: within 7 days of the day you asked, it counts as paid on time; if the source declines it, repay by hand at once, as the bill then counts as overdue from the day after its due day';
  const isAutoDebit = (repayment: RepaymentDoc) => repayment.idempotencyKey.includes(':autodebit:');
  const amountsDue = async (t: { repos: Repositories }, w: World) => {
    const [line] = await t.repos.creditLines.findByIds(['cl_alice']);
    return (await w.repayments().amountsDue(userViewer('u_alice'), line!)).amountsMinor;
  };

  test('the due day collects nothing while her statement repayment waits on the bank, says so, and collects after a decline', async () => {
    const { t, w, runAt, sent, sender } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // 04-13 Alice pays her 299.00 statement from her card; the bank has not answered by the due day.
    const waiting = railBy(() => ({ status: 'PENDING' }));
    w.rail = waiting.rail;
    await w.at('2030-04-13T08:00:00Z');
    const hers = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'waiting-tea-1',
    });
    expect(hers).toMatchObject({ userErrors: [], repayment: { status: 'INITIATED', amountMinor: 29_900 } });
    // Nothing left to ask of the card: no auto-debit counted.
    expect(await runAt('2030-04-14T04:00:00Z', waiting.rail)).toMatchObject({ autoDebits: 0 });
    // The bank is asked again about hers, and nothing else: no auto-debit of the same 299.00.
    expect(waiting.asked).toEqual(['u_alice:waiting-tea-1 29900', 'u_alice:waiting-tea-1 29900']);
    const autoDebitNotices = () => sent.filter((n) => n.kind.startsWith('AUTO_DEBIT')).map((n) => n.message);
    expect(autoDebitNotices()).toEqual([notNeeded]);
    // The bank declines hers at noon; the schedule's next run that afternoon (one that walks no
    // line) hears the decline and collects the bill itself, on time.
    const later = railBy((repayment) =>
      isAutoDebit(repayment) ? { status: 'SUCCEEDED' } : { status: 'FAILED', reason: 'insufficient funds' },
    );
    await w.at('2030-04-14T07:00:00Z');
    const afternoon = createDueJobs(t.repos, w.clock(), later.rail, sender);
    expect(await afternoon.run(operator, { walkLines: false })).toMatchObject({
      repaymentsConfirmed: 1,
      autoDebits: 1,
    });
    expect(later.asked).toEqual([
      'u_alice:waiting-tea-1 29900',
      'u_alice:autodebit:cl_alice:2030-04-05 29900',
    ]);
    expect(autoDebitNotices()).toEqual([
      notNeeded,
      'We collected 299.00 CNY for your bill due 2030-04-14 from your bank card',
    ]);
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({ status: 'PAID', owedMinor: 0 });
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0, creditBalanceMinor: 0 });
  });

  test('the due day collects only what her waiting minimum leaves: 299.00 - 29.90 = 269.10', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    let minimumAnswered = false;
    const bank = railBy((repayment) =>
      repayment.kind === 'MINIMUM' && !minimumAnswered ? { status: 'PENDING' } : { status: 'SUCCEEDED' },
    );
    w.rail = bank.rail;
    await w.at('2030-04-13T08:00:00Z');
    const minimum = await w.repay('u_alice', {
      kind: 'MINIMUM',
      source: 'BANK_CARD',
      idempotencyKey: 'waiting-min-1',
    });
    expect(minimum.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 2_990 });
    // Quoted with the 29.90 on its way: no minimum left, 269.10 of the statement (and of the payoff:
    // nothing else is owed).
    expect(await amountsDue(t, w)).toEqual({
      MINIMUM: 0,
      STATEMENT: 26_910,
      PAYOFF: 26_910,
      PLAN_PAYOFF: [],
    });
    await runAt('2030-04-14T04:00:00Z', bank.rail);
    expect(bank.asked).toEqual([
      'u_alice:waiting-min-1 2990',
      'u_alice:waiting-min-1 2990',
      'u_alice:autodebit:cl_alice:2030-04-05 26910',
    ]);
    expect(sent.filter((n) => n.kind.startsWith('AUTO_DEBIT')).map((n) => n.message)).toEqual([
      'We collected 269.10 CNY for your bill due 2030-04-14 from your bank card',
    ]);
    // The minimum lands that afternoon: 269.10 + 29.90 = 299.00, the bill paid on time, nothing over.
    minimumAnswered = true;
    expect(await runAt('2030-04-14T07:00:00Z', bank.rail)).toMatchObject({ repaymentsConfirmed: 1 });
    expect((await t.repos.bills.ofLine('cl_alice'))[0]).toMatchObject({ status: 'PAID', owedMinor: 0 });
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0, creditBalanceMinor: 0 });
  });

  test('a second tap asks nothing again; AMOUNT still pays; after a decline the statement is asked in full', async () => {
    const { t, w, runAt } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    let declineTea = false;
    const bank = railBy((repayment) =>
      repayment.idempotencyKey === 'u_alice:waiting-tea-1' && declineTea
        ? { status: 'FAILED', reason: 'insufficient funds' }
        : { status: 'PENDING' },
    );
    w.rail = bank.rail;
    await w.at('2030-04-10T08:00:00Z');
    await w.repay('u_alice', { kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey: 'waiting-tea-1' });
    expect(await amountsDue(t, w)).toEqual({ MINIMUM: 0, STATEMENT: 0, PAYOFF: 0, PLAN_PAYOFF: [] });
    for (const kind of ['STATEMENT', 'PAYOFF', 'MINIMUM'] as const) {
      const again = await w.repay('u_alice', {
        kind,
        source: 'WALLET_BALANCE',
        idempotencyKey: `waiting-again-${kind}`,
      });
      expect(again).toEqual({
        paidByWaiting: true,
        repayment: null,
        userErrors: [
          {
            field: 'kind',
            code: 'NOTHING_TO_REPAY',
            message: `Your repayment of 299.00 CNY waiting on the payment source already pays what ${kind} would collect (CreditLine.repaymentsInFlight); if the source declines, repay again, or repay an AMOUNT to pay now anyway`,
          },
        ],
      });
    }
    // Nothing recorded for the refusals, and the rail asked once, for hers.
    expect(await t.repos.repayments.inFlightOfLine('cl_alice', 20)).toHaveLength(1);
    expect(bank.asked).toEqual(['u_alice:waiting-tea-1 29900']);
    // AMOUNT is the shopper's own figure: 10.00 is asked even so.
    const ten = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 1_000,
      source: 'WALLET_BALANCE',
      idempotencyKey: 'waiting-ten-1',
    });
    expect(ten.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 1_000 });
    // The bank declines the 299.00: the statement is asked again, less the 10.00 still on its way.
    declineTea = true;
    const retried = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'waiting-tea-1',
    });
    expect(retried.userErrors.map((e) => e.code)).toEqual(['PAYMENT_FAILED']);
    expect(await amountsDue(t, w)).toEqual({
      MINIMUM: 1_990,
      STATEMENT: 28_900,
      PAYOFF: 28_900,
      PLAN_PAYOFF: [],
    });
    const anew = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'waiting-tea-2',
    });
    expect(anew.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 28_900 });
  });
});

describe('one quote of a line at a time: repayments asked at the same moment are not both collected', () => {
  const pending = () => railBy(() => ({ status: 'PENDING' }));
  const statement = (idempotencyKey: string) =>
    ({ kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey }) as const;
  /** Alice's 299.00 bill, issued 04-05; from `iso` on her bank keeps every collection waiting. */
  const billedAndWaiting = async (iso: string) => {
    const billed = await billedAlice();
    await billed.runAt('2030-04-05T04:00:00Z', approvingRail);
    const bank = pending();
    billed.w.rail = bank.rail;
    await billed.w.at(iso);
    return { ...billed, bank };
  };
  /** The line's repayments recorded (status and amount), in the order asked. */
  const recorded = async (t: { repos: Repositories }) =>
    (await t.repos.repayments.inFlightOfLine('cl_alice', 20)).map(
      (r) => `${r.idempotencyKey} ${r.amountMinor}`,
    );

  test('two taps at the same moment: the bank is asked 299.00 once, the other tap is told it is on its way', async () => {
    const { t, w, bank } = await billedAndWaiting('2030-04-10T08:00:00Z');
    await using _db = t;
    const answers = await Promise.all([
      w.repay('u_alice', statement('same-moment-1')),
      w.repay('u_alice', statement('same-moment-2')),
    ]);
    // One quote is recorded and asked (299.00); the other, quoted after it, finds it waiting.
    expect(answers.map((a) => a.repayment?.status ?? a.userErrors[0]!.code).sort()).toEqual([
      'INITIATED',
      'NOTHING_TO_REPAY',
    ]);
    expect(answers.filter((a) => a.paidByWaiting)).toHaveLength(1);
    expect(bank.asked).toHaveLength(1);
    expect(await recorded(t)).toEqual([bank.asked[0]]);
    expect(bank.asked[0]).toMatch(/^u_alice:same-moment-[12] 29900$/);
  });

  test('the same key sent twice at the same moment: one repayment, and both taps get its answer', async () => {
    const { t, w } = await billedAndWaiting('2030-04-10T08:00:00Z');
    await using _db = t;
    const [first, second] = await Promise.all([
      w.repay('u_alice', statement('same-key-1')),
      w.repay('u_alice', statement('same-key-1')),
    ]);
    // The second is the first's replay (asked of the bank again: the same key, collected once).
    for (const answer of [first, second]) {
      expect(answer).toMatchObject({
        userErrors: [],
        repayment: { status: 'INITIATED', amountMinor: 29_900 },
      });
    }
    expect(first.repayment!._id).toBe(second.repayment!._id);
    expect(await recorded(t)).toEqual(['u_alice:same-key-1 29900']);
  });

  test('a tap and the due-day auto-debit at the same moment: 299.00 is asked once in all', async () => {
    const { t, w, bank } = await billedAndWaiting('2030-04-14T04:00:00Z');
    await using _db = t;
    const [tap, autoDebit] = await Promise.all([
      w.repay('u_alice', statement('due-day-tap-1')),
      w.repayments().autoDebit('u_alice', 'cl_alice:2030-04-05'),
    ]);
    // Whichever was quoted first is recorded and asked; the other finds it waiting.
    expect([tap, autoDebit].filter((answer) => answer.paidByWaiting)).toHaveLength(1);
    const [one, ...others] = await recorded(t);
    expect(others).toEqual([]);
    expect(one).toMatch(/^u_alice:(due-day-tap-1|autodebit:cl_alice:2030-04-05) 29900$/);
    expect(bank.asked).toEqual([one]);
  });

  /**
   * Alice pays her 299.00 bill on 04-06 and the shop refunds `refundMinor` of the tea set (a credit
   * balance of that much); 04-07 she buys another 299.00 tea set (unbilled). `ledger`: her ledger
   * with every `slowType` entry taking 300 ms to write (a slow database).
   */
  const aliceWithBalance = async (refundMinor: number, slowType: LedgerEntryDoc['type']) => {
    const billed = await billedAlice();
    const { t, w, runAt } = billed;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    await w.at('2030-04-06T08:00:00Z');
    w.rail = approvingRail;
    expect((await w.repay('u_alice', statement('balance-paid-1'))).repayment?.status).toBe('SUCCEEDED');
    const tea = await t.repos.mallOrders.byIdempotencyKey('u_alice:due-jobs-tea-1');
    expect((await w.refund('MALL', tea!._id, refundMinor, 'balance-refund-1')).userErrors).toEqual([]);
    await w.at('2030-04-07T02:00:00Z');
    await w.ship('MALL', (await w.buy('u_alice', 'MALL', 'mall-tea-set', 'balance-tea-2'))._id);
    const ledger = Object.assign(
      Object.create(Object.getPrototypeOf(t.repos.ledger) as object) as Repositories['ledger'],
      t.repos.ledger,
      {
        append: async (entry: LedgerEntryDoc) => {
          if (entry.type === slowType) await new Promise((resolve) => setTimeout(resolve, 300));
          return t.repos.ledger.append(entry);
        },
      },
    );
    return { ...billed, ledger };
  };

  test('two payoffs at the same moment with a credit balance: the balance is set aside once, no false decline', async () => {
    // Setting the balance aside takes 300 ms (a slow database): a quote made meanwhile would find
    // the first payoff waiting with the balance not set aside yet, and count it again.
    const { t, w, ledger } = await aliceWithBalance(10_000, 'RESERVE_CREDIT');
    await using _db = t;
    // PAYOFF: the 299.00 tea set unbilled - the 100.00 balance = 199.00 from the card.
    const bank = pending();
    const slow = new World({ ...t.repos, ledger }, bank.rail);
    const payoff = (idempotencyKey: string) =>
      slow.repay('u_alice', { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey });
    const answers = await Promise.all([payoff('balance-payoff-1'), payoff('balance-payoff-2')]);
    const asked = answers.find((answer) => answer.repayment);
    expect(asked?.repayment).toMatchObject({
      status: 'INITIATED',
      amountMinor: 19_900,
      fromCreditBalanceMinor: 10_000,
    });
    // The other, quoted after the balance was set aside, finds the payoff waiting: not a decline.
    const waitingText =
      'repayment of 199.00 CNY waiting on the payment source (with 100.00 CNY of your credit balance set aside)';
    expect(answers.find((answer) => answer.paidByWaiting)?.userErrors).toEqual([
      {
        field: 'kind',
        code: 'NOTHING_TO_REPAY',
        message: `Your ${waitingText} already pays what PAYOFF would collect (CreditLine.repaymentsInFlight); if the source declines, repay again, or repay an AMOUNT to pay now anyway`,
      },
    ]);
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0 });
    expect(bank.asked).toEqual([`${asked!.repayment!.idempotencyKey} 19900`]);
    // A STATEMENT now: nothing is left, what is owed is on its way (not "nothing is owed").
    expect((await slow.repay('u_alice', statement('balance-statement-1'))).userErrors).toEqual([
      {
        field: 'kind',
        code: 'NOTHING_TO_REPAY',
        message: `Nothing is left to pay: your ${waitingText} pays what is owed (CreditLine.repaymentsInFlight)`,
      },
    ]);
  });

  test('two payoffs at the same moment that the balance pays alone: the other tap is not told of a source', async () => {
    // The refund of the whole 299.00 pays the new tea set: PAYOFF asks 0.00 of the card. Its landing
    // takes 300 ms to write, so the other tap is quoted while it is still being applied.
    const { t, ledger } = await aliceWithBalance(29_900, 'REPAY');
    await using _db = t;
    const bank = pending();
    const slow = new World({ ...t.repos, ledger }, bank.rail);
    const payoff = (idempotencyKey: string) =>
      slow.repay('u_alice', { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey });
    const answers = await Promise.all([payoff('balance-only-1'), payoff('balance-only-2')]);
    expect(answers.find((answer) => answer.repayment)?.repayment).toMatchObject({
      status: 'SUCCEEDED',
      amountMinor: 0,
      fromCreditBalanceMinor: 29_900,
    });
    expect(answers.find((answer) => answer.paidByWaiting)?.userErrors).toEqual([
      {
        field: 'kind',
        code: 'NOTHING_TO_REPAY',
        message:
          'Your repayment of 299.00 CNY from your credit balance, being applied now, already pays what PAYOFF would collect (CreditLine.repaymentsInFlight); repay an AMOUNT to pay now anyway',
      },
    ]);
    expect(bank.asked).toEqual([]);
  });

  test('an auto-debit that cannot take the claim asks nothing, tells the shopper to repay by hand, and counts its line failed', async () => {
    const { t, w, sender, sent } = await billedAndWaiting('2030-04-14T04:00:00Z');
    await using _db = t;
    // Claims held from now through the next 20 s (a stuck quoter): the auto-debit waits its 11 s.
    const now = Math.floor(Date.now() / repaymentAskClaimMs);
    for (let window = now; window <= now + 4; window += 1) {
      await t.db.models.repaymentAskClaims.create({
        _id: `cl_alice@${window}`,
        lineId: 'cl_alice',
        claimedAt: new Date(),
      });
    }
    const bank = pending();
    const report = await createDueJobs(t.repos, w.clock(), bank.rail, sender).run(operator);
    expect(report).toMatchObject({ autoDebits: 0, linesFailed: 1 });
    expect(bank.asked).toEqual([]);
    // No run asks again before the bill is overdue: the shopper is told.
    expect(sent.filter((n) => n.kind.startsWith('AUTO_DEBIT')).map((n) => n.message)).toEqual([
      'We could not collect your bill due 2030-04-14 from your bank card today: another repayment of your credit line was being asked. Repay by hand today to keep the bill current',
    ]);
    expect(await recorded(t)).toEqual([]);
  }, 30_000);

  test("a quote waits for another process's claim on the line and counts what that one recorded under it", async () => {
    const { t, w, bank } = await billedAndWaiting('2030-04-10T08:00:00Z');
    await using _db = t;
    // Another credit process holds the line's claim while it records its own quote: 299.00 asked.
    const theirClaim = await t.repos.repaymentAskClaims.hold('cl_alice', Date.now, Date.now());
    expect(theirClaim).toBeDefined();
    let answered = false;
    const mine = w.repay('u_alice', statement('after-the-other-1')).finally(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    const theirs: RepaymentDoc = {
      _id: 'rp_other_process',
      lineId: 'cl_alice',
      userId: 'u_alice',
      idempotencyKey: 'u_alice:other-process-1',
      requestHash: 'h',
      kind: 'AMOUNT',
      planId: null,
      payOffPlanIds: [],
      source: 'WALLET_BALANCE',
      amountMinor: 29_900,
      fromCreditBalanceMinor: 0,
      status: 'INITIATED',
      failureReason: null,
      createdAt: new Date('2030-04-10T08:00:00Z'),
    };
    expect(await t.repos.repayments.insertOnce(theirs)).toBe(true);
    await theirClaim!.release();
    // Its 299.00 pays the 299.00 statement: nothing is asked of the bank.
    expect(await mine).toMatchObject({ paidByWaiting: true, repayment: null });
    expect(bank.asked).toEqual([]);
    expect(await recorded(t)).toEqual(['u_alice:other-process-1 29900']);
  });

  test('a claim left by a stopped process: the shopper is told to retry and nothing is recorded; two windows later the same key is asked', async () => {
    const { t, w, bank } = await billedAndWaiting('2030-04-10T08:00:00Z');
    await using _db = t;
    // A wall clock that runs 500 ms a reading, so the 3 s wait passes in a few polls.
    const startMs = 1_000 * repaymentAskClaimMs;
    let wallMs = startMs;
    const wallClock = () => (wallMs += 500);
    const stopped = Math.floor((startMs + 500) / repaymentAskClaimMs);
    // Taken at the first reading (window `stopped`) and never given back.
    expect(await t.repos.repaymentAskClaims.hold('cl_alice', () => startMs + 500, 0)).toBeDefined();
    const refused = await w.repayments(wallClock).repay(userViewer('u_alice'), statement('stopped-claim-1'));
    expect(refused).toEqual({
      notAskedNow: true,
      repayment: null,
      userErrors: [
        {
          field: null,
          code: 'REPAYMENT_BEING_ASKED',
          message:
            'Another repayment of your credit line is being asked right now; retry in a few seconds with the same idempotency key',
        },
      ],
    });
    expect(await recorded(t)).toEqual([]);
    expect(bank.asked).toEqual([]);
    // Two windows after the stopped claim, the retry with the same key is quoted and asked.
    wallMs = (stopped + 2) * repaymentAskClaimMs;
    const retried = await w.repayments(wallClock).repay(userViewer('u_alice'), statement('stopped-claim-1'));
    expect(retried.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 29_900 });
    expect(bank.asked).toEqual(['u_alice:stopped-claim-1 29900']);
  });
});

describe('a repayment asked by the due day and awaited from its source keeps the bill current until answered', () => {
  /** 04-13 Alice repays her 299.00 statement from her card; the bank answers "later" (PENDING). */
  const waitingOnTheBank = async () => {
    const billed = await billedAlice();
    const { w, runAt } = billed;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    let answer: RailResult = { status: 'PENDING' };
    // Only her tapped repayment waits on the bank; anything else is collected at once.
    const bank = railBy((repayment) =>
      repayment.idempotencyKey.endsWith(':awaited-1') ? answer : { status: 'SUCCEEDED' },
    );
    w.rail = bank.rail;
    await w.at('2030-04-13T08:00:00Z');
    const hers = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'awaited-1',
    });
    expect(hers.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 29_900 });
    // 04-14, the due day: the bank, asked again, still says "later"; the auto-debit stands aside.
    await runAt('2030-04-14T04:00:00Z', bank.rail);
    return { ...billed, bank, answer: (result: RailResult) => void (answer = result) };
  };
  const entryTypes = async (t: { repos: Repositories }) =>
    (await t.repos.ledger.after('cl_alice', 0)).map((entry) => entry.command.type);

  test("the due day's reminder counts the repayment waiting on the bank, and says what to pay if it is declined", async () => {
    const { t, sent } = await waitingOnTheBank();
    await using _db = t;
    // The 299.00 waiting pays the whole statement; without it the minimum is 10% of 299.00 = 29.90.
    // Asked 04-13, the day before the due day: confirmed within its 7 days (by 04-20), it keeps the
    // bill on time.
    expect(sent.filter((n) => n.kind === 'DUE_SOON').map((n) => n.message)).toEqual([
      'Your bill is due 2030-04-14: your repayment of 299.00 CNY waiting on the payment source keeps your bills current if the source confirms it by 2030-04-20; if the source declines, pay at least 29.90 CNY at once (declined after 2030-04-14, the bill counts as overdue from the day after it)',
    ]);
  });

  test('paid by hand while her repayment waited: when it lands, she is told it went to her credit balance', async () => {
    const { t, w, runAt, sent, bank, answer } = await waitingOnTheBank();
    await using _db = t;
    // 04-15, the bill held: she pays it again by hand, 299.00 (collected at once; 300.00 would be
    // more than an AMOUNT can pay, AMOUNT_OVER_OWED): it pays the bill, and nothing is told yet.
    await w.at('2030-04-15T08:00:00Z');
    const over = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 30_000,
      source: 'BANK_CARD',
      idempotencyKey: 'by-hand-0',
    });
    expect(over.userErrors).toEqual([expect.objectContaining({ code: 'AMOUNT_OVER_OWED' })]);
    const byHand = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 29_900,
      source: 'BANK_CARD',
      idempotencyKey: 'by-hand-1',
    });
    expect(byHand.repayment).toMatchObject({ status: 'SUCCEEDED' });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0, usedMinor: 0 });
    expect(sent.map((n) => n.kind)).not.toContain('REPAID_TO_CREDIT_BALANCE');
    // 04-16 the bank pays the waiting 299.00: the bill was on time (PAID), and all 299.00 of it is
    // more than was owed: credit balance 0.00 + 299.00 = 299.00.
    answer({ status: 'SUCCEEDED' });
    await runAt('2030-04-16T04:00:00Z', bank.rail);
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900, usedMinor: 0 });
    expect(sent.filter((n) => n.kind === 'REPAID_TO_CREDIT_BALANCE').map((n) => n.message)).toEqual([
      'Your STATEMENT repayment of 299.00 CNY, confirmed by your payment source, was more than it found owed (paid meanwhile, refunded or waived): 299.00 CNY of it is now your credit balance (CreditLine.creditBalance): it pays your next bills, or ask for it back (payOutCreditBalance)',
    ]);
    // Another run asks nothing again and tells nothing again.
    await runAt('2030-04-17T04:00:00Z', bank.rail);
    expect(sent.filter((n) => n.kind === 'REPAID_TO_CREDIT_BALANCE')).toHaveLength(1);
  });

  test('paid by hand while her repayment waited, with a purchase not billed yet: she is told what it prepaid', async () => {
    const { t, w, runAt, sent, bank, answer } = await waitingOnTheBank();
    await using _db = t;
    // 04-15: earbuds 499.00 bought and shipped (billed 05-05), and the held 299.00 bill paid by hand.
    await w.at('2030-04-15T08:00:00Z');
    const earbuds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'prepaid-earbuds');
    await w.ship('MALL', earbuds._id);
    const byHand = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 29_900,
      source: 'BANK_CARD',
      idempotencyKey: 'by-hand-2',
    });
    expect(byHand.repayment).toMatchObject({ status: 'SUCCEEDED' });
    // 04-16 the waiting 299.00 lands: nothing billed is owed, so it prepays the earbuds:
    // used 499.00 - 299.00 = 200.00, no credit balance.
    answer({ status: 'SUCCEEDED' });
    await runAt('2030-04-16T04:00:00Z', bank.rail);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 20_000, creditBalanceMinor: 0 });
    expect(sent.filter((n) => n.kind === 'REPAID_TO_CREDIT_BALANCE').map((n) => n.message)).toEqual([
      'Your STATEMENT repayment of 299.00 CNY, confirmed by your payment source, was more than it found owed (paid meanwhile, refunded or waived): 299.00 CNY of it paid purchases not billed yet (CreditLine.used)',
    ]);
  });

  test('the auto-debit stands aside only for a repayment that can still pay the bill on time', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    let early: RailResult = { status: 'PENDING' };
    const bank = railBy((repayment) =>
      repayment.idempotencyKey.endsWith(':too-early') ? early : { status: 'SUCCEEDED' },
    );
    w.rail = bank.rail;
    // 04-07, 7 days before the due day: its 7 days end 04-14, so a confirmation after the due day
    // would come too late to keep the bill on time.
    await w.at('2030-04-07T08:00:00Z');
    const asked = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'too-early',
    });
    expect(asked.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 29_900 });
    // 04-14, the due day, still waiting: the auto-debit collects the 299.00 rather than let the bill
    // go overdue.
    expect(await runAt('2030-04-14T04:00:00Z', bank.rail)).toMatchObject({ autoDebits: 1 });
    expect(sent.map((n) => n.kind)).toContain('AUTO_DEBIT_SUCCEEDED');
    expect(sent.map((n) => n.kind)).not.toContain('AUTO_DEBIT_NOT_NEEDED');
    expect((await w.bills('u_alice'))[0]).toMatchObject({ status: 'PAID', owedMinor: 0 });
    // 04-16 the early one lands after all: its 299.00 is credit balance, and she is told.
    early = { status: 'SUCCEEDED' };
    await runAt('2030-04-16T04:00:00Z', bank.rail);
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900, penaltiesOwedMinor: 0 });
    expect(sent.map((n) => n.kind)).toContain('REPAID_TO_CREDIT_BALANCE');
  });

  test('a payoff with a credit balance share that finds nothing owed as it lands: the notice says what came from where', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    const sent: NotificationDoc[] = [];
    const sender: NotificationSender = { send: async (n) => void sent.push(n) };
    await w.at('2030-06-01T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'split-tea-01');
    await w.ship('MALL', tea._id);
    const paidOff = await w.repay('u_alice', {
      kind: 'PAYOFF',
      source: 'BANK_CARD',
      idempotencyKey: 'split-payoff-0',
    });
    expect(paidOff.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 29_900 });
    // 100.00 of the paid tea set refunded: credit balance 100.00; then earbuds, 499.00, not billed.
    await w.refund('MALL', tea._id, 10_000, 'split-refund-01');
    const buds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'split-buds-01');
    await w.ship('MALL', buds._id);
    let answer: RailResult = { status: 'PENDING' };
    w.rail = railBy((repayment) =>
      repayment.idempotencyKey.endsWith(':split-payoff-1') ? answer : { status: 'SUCCEEDED' },
    ).rail;
    // PAYOFF: 499.00, of it 100.00 from the balance (set aside) and 399.00 asked of a bank that answers later.
    const payoff = await w.repay('u_alice', {
      kind: 'PAYOFF',
      source: 'BANK_CARD',
      idempotencyKey: 'split-payoff-1',
    });
    expect(payoff.repayment).toMatchObject({
      status: 'INITIATED',
      amountMinor: 39_900,
      fromCreditBalanceMinor: 10_000,
    });
    // Meanwhile she pays the earbuds by hand: 499.00, the most an AMOUNT can be.
    const byHand = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 49_900,
      source: 'BANK_CARD',
      idempotencyKey: 'split-hand-01',
    });
    expect(byHand.repayment).toMatchObject({ status: 'SUCCEEDED' });
    answer = { status: 'SUCCEEDED' };
    await w.at('2030-06-02T04:00:00Z');
    await createDueJobs(t.repos, w.clock(), w.rail, sender).run(operator);
    // Nothing owed as it landed: 399.00 + 100.00 = 499.00 is credit balance.
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 49_900, usedMinor: 0 });
    expect(sent.filter((n) => n.kind === 'REPAID_TO_CREDIT_BALANCE').map((n) => n.message)).toEqual([
      'Your PAYOFF repayment of 499.00 CNY (399.00 from your payment source, 100.00 from your credit balance), confirmed by your payment source, was more than it found owed (paid meanwhile, refunded or waived): 499.00 CNY of it is now your credit balance (CreditLine.creditBalance): it pays your next bills, or ask for it back (payOutCreditBalance)',
    ]);
  });

  test('an overdue notice names a repayment asked after the due day that is still waiting on its source', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    // No run on the due day; 04-15 she repays the MINIMUM before the jobs run: the bill is overdue,
    // 299.00 + one day's penalty, 0.05% of 299.00 = 0.1495 -> 0.14: 299.14, waiting on the bank.
    const bank = await askedOfASlowBank(
      w,
      '2030-04-15T08:00:00Z',
      { kind: 'MINIMUM', source: 'BANK_CARD', idempotencyKey: 'late-waiting' },
      29_914,
    );
    await runAt('2030-04-15T09:00:00Z', bank.rail);
    expect(sent.filter((n) => n.kind === 'OVERDUE').map((n) => n.message)).toEqual([
      'Your bill due 2030-04-14 is overdue: 299.14 CNY unpaid; a 0.05% daily penalty applies; your repayment of 299.14 CNY waiting on the payment source pays it once the source confirms it',
    ]);
  });

  test('a reminder with part of the minimum waiting asks for the rest, besides the repayment waiting', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    const bank = await askedOfASlowBank(
      w,
      '2030-04-10T08:00:00Z',
      { kind: 'AMOUNT', amountMinor: 1_000, source: 'BANK_CARD', idempotencyKey: 'part-waiting' },
      1_000,
    );
    // 04-11, three days before the due day: minimum 29.90 - 10.00 waiting = 19.90 still to pay; the
    // 10.00 asked 04-10 counts if confirmed within its 7 days, by 04-17.
    await runAt('2030-04-11T04:00:00Z', bank.rail);
    expect(sent.filter((n) => n.kind === 'DUE_SOON').map((n) => n.message)).toEqual([
      'Your bill is due 2030-04-14: pay at least 19.90 CNY by then to stay current, besides your repayment of 10.00 CNY waiting on the payment source (if the source confirms it by 2030-04-17; if the source declines, 29.90 CNY)',
    ]);
  });

  test('a statement cut while a payoff waits on the bank says that payoff keeps the bills current', async () => {
    const { t, w, runAt, sent } = await billedAlice();
    await using _db = t;
    // 04-05 statement of 299.00, paid by the 04-14 auto-debit; a second 299.00 bought 04-06 is unbilled.
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    await w.at('2030-04-06T02:00:00Z');
    const second = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'waiting-statement-tea');
    await w.ship('MALL', second._id);
    await runAt('2030-04-14T04:00:00Z', approvingRail);
    const bank = await askedOfASlowBank(
      w,
      '2030-05-01T08:00:00Z',
      { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey: 'payoff-waiting' },
      29_900,
    );
    // 05-05: the second 299.00 is billed, minimum 29.90; the 299.00 waiting pays all of it. Asked
    // 05-01, 13 days before the due day: its 7 days end before it, so only a confirmation by the due
    // day keeps the bill on time.
    await runAt('2030-05-05T04:00:00Z', bank.rail);
    expect(sent.filter((n) => n.kind === 'STATEMENT_ISSUED').map((n) => n.message)).toEqual([
      'Your 2030-04-05 statement: 299.00 CNY, minimum 29.90, due 2030-04-14; 29.90 CNY keeps all your bills current now',
      'Your 2030-05-05 statement: 299.00 CNY, minimum 29.90, due 2030-05-14; your repayment of 299.00 CNY waiting on the payment source keeps all your bills current if the source confirms it by 2030-05-14; if the source declines, pay at least 29.90 CNY by 2030-05-14',
    ]);
  });

  test('confirmed two days after the due day: the bill is PAID, never overdue; no penalty, no cut, no overdue notice', async () => {
    const { t, w, runAt, sent, bank, answer } = await waitingOnTheBank();
    await using _db = t;
    expect(await runAt('2030-04-15T04:00:00Z', bank.rail)).toMatchObject({
      billsOverdue: 0,
      limitChanges: 0,
    });
    // Held: the bill shows it waits on her repayment (Bill.awaitingRepayments).
    expect((await w.bills('u_alice'))[0]).toMatchObject({
      status: 'ISSUED',
      owedMinor: 29_900,
      awaitingRepayments: true,
    });
    // The line reads the same as its stored state: nothing accrued, nothing overdue.
    expect(await w.line('u_alice')).toMatchObject({ penaltiesOwedMinor: 0, status: 'ACTIVE' });
    // 04-16 the bank pays the 299.00.
    answer({ status: 'SUCCEEDED' });
    expect(await runAt('2030-04-16T04:00:00Z', bank.rail)).toMatchObject({
      repaymentsConfirmed: 1,
      billsOverdue: 0,
      limitChanges: 0,
    });
    expect((await w.bills('u_alice'))[0]).toMatchObject({
      status: 'PAID',
      owedMinor: 0,
      awaitingRepayments: false,
    });
    expect(await w.line('u_alice')).toMatchObject({
      usedMinor: 0,
      limitMinor: 2_900_000,
      penaltiesOwedMinor: 0,
    });
    expect(sent.map((n) => n.kind)).not.toContain('OVERDUE');
    expect(sent.map((n) => n.kind)).not.toContain('LIMIT_CUT');
    // The ledger learned of the wait once, though the bank was asked three times.
    expect((await entryTypes(t)).filter((type) => type === 'AWAIT_REPAYMENT')).toHaveLength(1);
    expect(await w.rebuild.run(false)).toMatchObject({ differences: [] });
  });

  test('declined after the due day: overdue from the day after it, penalties for every day, the notice and the cut', async () => {
    const { t, w, runAt, sent, bank, answer } = await waitingOnTheBank();
    await using _db = t;
    await runAt('2030-04-16T04:00:00Z', bank.rail);
    // 04-17 the bank declines: overdue since 04-15, 3 days of 0.05% of 299.00 = floor(44.85) = 0.44.
    answer({ status: 'FAILED', reason: 'insufficient funds' });
    expect(await runAt('2030-04-17T04:00:00Z', bank.rail)).toMatchObject({
      billsOverdue: 1,
      limitChanges: 1,
    });
    const [bill] = await w.bills('u_alice');
    expect(bill).toMatchObject({ status: 'OVERDUE', owedMinor: 29_944 });
    expect(bill!.billed.PENALTIES).toBe(44);
    expect(sent.filter((n) => n.kind === 'OVERDUE').map((n) => n.message)).toEqual([
      'Your bill due 2030-04-14 is overdue: 299.44 CNY unpaid; a 0.05% daily penalty applies',
    ]);
    expect(sent.map((n) => n.kind)).toContain('LIMIT_CUT');
    expect(await w.rebuild.run(false)).toMatchObject({ differences: [] });
  });

  test('money paid by hand after the due day does not keep the bill current: the bank declines, the bill is overdue', async () => {
    const { t, w, runAt, sent, bank, answer } = await waitingOnTheBank();
    await using _db = t;
    // 04-16 she pays 30.00 by hand (her 29.90 minimum, two days late); 04-17 the bank declines
    // hers. Overdue since 04-15: 04-15 and 04-16 on 299.00 (14.95 fen a day: 14, then 15 with the
    // carry), 04-17 on 269.00 (13.45 fen + the 0.90 carry: 14): 0.43.
    await w.at('2030-04-16T02:00:00Z');
    const byHand = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 3_000,
      source: 'BANK_CARD',
      idempotencyKey: 'by-hand-late',
    });
    expect(byHand.repayment).toMatchObject({ status: 'SUCCEEDED' });
    answer({ status: 'FAILED', reason: 'insufficient funds' });
    expect(await runAt('2030-04-17T04:00:00Z', bank.rail)).toMatchObject({
      billsOverdue: 1,
      limitChanges: 1,
    });
    const [bill] = await w.bills('u_alice');
    expect(bill).toMatchObject({ status: 'OVERDUE' });
    expect(bill!.billed.PENALTIES).toBe(43);
    expect(sent.map((n) => n.kind)).toContain('LIMIT_CUT');
  });

  test('a MINIMUM the bank confirms after the due day, the rest collected by the auto-debit: PAID, no interest', async () => {
    const { t, w, runAt } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    let minimumAnswer: RailResult = { status: 'PENDING' };
    const bank = railBy((repayment) =>
      repayment.kind === 'MINIMUM' ? minimumAnswer : { status: 'SUCCEEDED' },
    );
    w.rail = bank.rail;
    await w.at('2030-04-14T02:00:00Z');
    expect(
      (await w.repay('u_alice', { kind: 'MINIMUM', source: 'BANK_CARD', idempotencyKey: 'min-late' }))
        .repayment,
    ).toMatchObject({ status: 'INITIATED', amountMinor: 2_990 });
    // The due day's auto-debit collects the 269.10 the minimum leaves: 299.00 paid by the due day.
    expect(await runAt('2030-04-14T04:00:00Z', bank.rail)).toMatchObject({ autoDebits: 1 });
    // 04-15, 04-16: its minimum met, the bill would revolve 29.90 at 0.05% a day (1.495 fen): held.
    await runAt('2030-04-16T04:00:00Z', bank.rail);
    minimumAnswer = { status: 'SUCCEEDED' };
    expect(await runAt('2030-04-17T04:00:00Z', bank.rail)).toMatchObject({ repaymentsConfirmed: 1 });
    const [bill] = await w.bills('u_alice');
    expect(bill).toMatchObject({ status: 'PAID', owedMinor: 0 });
    expect(bill!.billed.INTEREST).toBe(0);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0, creditBalanceMinor: 0 });
  });

  test('confirmed 9 days after the ask: judged overdue first, the money pays the principal, the notice says only penalties are left', async () => {
    const { t, w, runAt, sent, bank, answer } = await waitingOnTheBank();
    await using _db = t;
    // No run until 04-22, 9 days after the 04-13 ask: overdue since 04-15, 8 days of 14.95 fen =
    // floor(119.6) = 1.19; the 299.00 pays what its quote paid (the principal), 1.19 stays owed.
    answer({ status: 'SUCCEEDED' });
    expect(await runAt('2030-04-22T04:00:00Z', bank.rail)).toMatchObject({
      repaymentsConfirmed: 1,
      billsOverdue: 1,
    });
    expect((await w.bills('u_alice'))[0]).toMatchObject({ status: 'OVERDUE', owedMinor: 119 });
    expect(sent.filter((n) => n.kind === 'OVERDUE').map((n) => n.message)).toEqual([
      'Your bill due 2030-04-14 is overdue: 1.19 CNY unpaid, all of it penalties: no more penalty accrues on it',
    ]);
  });

  test('a bank silent for more than 7 days from the ask holds the bill no longer', async () => {
    const { t, w, runAt, bank } = await waitingOnTheBank();
    await using _db = t;
    // Asked 04-13: 04-20 is the 7th day, still held; 04-21 overdue since 04-15, 7 days: floor(104.65) = 1.04.
    expect(await runAt('2030-04-20T04:00:00Z', bank.rail)).toMatchObject({ billsOverdue: 0 });
    expect(await runAt('2030-04-21T04:00:00Z', bank.rail)).toMatchObject({ billsOverdue: 1 });
    const [bill] = await w.bills('u_alice');
    expect(bill).toMatchObject({ status: 'OVERDUE' });
    expect(bill!.billed.PENALTIES).toBe(104);
  });
});

/** A bank that answers each collection in turn (the last answer again once they run out). */
function bankAnswering(...answers: RailResult[]) {
  const asked: string[] = [];
  const rail: PaymentRail = {
    collect: async (repayment) => {
      asked.push(repayment.idempotencyKey);
      return answers[Math.min(asked.length, answers.length) - 1]!;
    },
    disburse: approved,
  };
  return { rail, asked };
}

const short = { status: 'FAILED', reason: 'insufficient funds' } as const;

describe('a declined auto-debit is asked again on the due day', () => {
  /** A run of the schedule's kind that reads no line (late confirmations, retries, notices). */
  const quickRun = async (w: World, rail: PaymentRail, sender: NotificationSender, iso: string) => {
    await w.at(iso);
    return createDueJobs(w.repos, w.clock(), rail, sender).run(operator, { walkLines: false });
  };

  test('declined at noon, asked again from 16:00 by a run that reads no line: collected, the bill is paid on time', async () => {
    const { t, w, runAt, sent, sender } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail); // 299.00 billed, due 04-14
    const bank = bankAnswering(short, { status: 'SUCCEEDED' });
    await runAt('2030-04-14T04:00:00Z', bank.rail); // 12:00 Beijing time
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_FAILED').map((n) => n.message)).toEqual([
      'We could not collect your bill due 2030-04-14: The payment source declined: insufficient funds. We will ask your bank card again from 16:00 today (Beijing time); to be sure the bill stays current, repay by hand today',
    ]);
    // 14:00: too early, the card is not asked, and the report counts none.
    expect(await quickRun(w, bank.rail, sender, '2030-04-14T06:00:00Z')).toMatchObject({ autoDebits: 0 });
    expect(bank.asked).toEqual(['u_alice:autodebit:cl_alice:2030-04-05']);
    // 16:01: the second attempt, under its own key, collects 299.00.
    expect(await quickRun(w, bank.rail, sender, '2030-04-14T08:01:00Z')).toMatchObject({ autoDebits: 1 });
    expect(bank.asked).toEqual([
      'u_alice:autodebit:cl_alice:2030-04-05',
      'u_alice:autodebit:cl_alice:2030-04-05:2',
    ]);
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_SUCCEEDED').map((n) => n.message)).toEqual([
      'We collected 299.00 CNY for your bill due 2030-04-14 from your bank card',
    ]);
    // Paid on its due day: the next day finds nothing overdue, no penalty, no cut.
    expect(await runAt('2030-04-15T04:00:00Z', bank.rail)).toMatchObject({
      billsOverdue: 0,
      penaltiesAccrued: 0,
      limitChanges: 0,
    });
    expect(bank.asked).toHaveLength(2);
    const [bill] = await w.bills('u_alice');
    expect(bill).toMatchObject({ status: 'PAID', owedMinor: 0 });
  });

  test('three attempts at most, 4 hours apart, on the due day only; the last says so', async () => {
    const { t, w, runAt, sent, sender } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    const bank = bankAnswering(short);
    await runAt('2030-04-14T00:30:00Z', bank.rail); // 08:30
    await quickRun(w, bank.rail, sender, '2030-04-14T04:31:00Z'); // 12:31
    await quickRun(w, bank.rail, sender, '2030-04-14T08:32:00Z'); // 16:32
    await quickRun(w, bank.rail, sender, '2030-04-14T13:00:00Z'); // 21:00: no fourth
    expect(bank.asked).toEqual([
      'u_alice:autodebit:cl_alice:2030-04-05',
      'u_alice:autodebit:cl_alice:2030-04-05:2',
      'u_alice:autodebit:cl_alice:2030-04-05:3',
    ]);
    const why =
      'We could not collect your bill due 2030-04-14: The payment source declined: insufficient funds';
    const again = (from: string) =>
      `${why}. We will ask your bank card again from ${from} today (Beijing time); to be sure the bill stays current, repay by hand today`;
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_FAILED').map((n) => n.message)).toEqual([
      again('12:30'),
      again('16:31'),
      why,
    ]);
    // The next day it is overdue, and no auto-debit asks any more.
    expect(await runAt('2030-04-15T04:00:00Z', bank.rail)).toMatchObject({ billsOverdue: 1 });
    expect(bank.asked).toHaveLength(3);
  });

  test('a decline too late in the day for another attempt is final', async () => {
    const { t, w, runAt, sent, sender } = await billedAlice();
    await using _db = t;
    await runAt('2030-04-05T04:00:00Z', approvingRail);
    const bank = bankAnswering(short, { status: 'SUCCEEDED' });
    await runAt('2030-04-14T13:00:00Z', bank.rail); // 21:00: 4 hours on is the next day
    await quickRun(w, bank.rail, sender, '2030-04-14T15:30:00Z'); // 23:30
    expect(bank.asked).toEqual(['u_alice:autodebit:cl_alice:2030-04-05']);
    expect(sent.filter((n) => n.kind === 'AUTO_DEBIT_FAILED').map((n) => n.message)).toEqual([
      'We could not collect your bill due 2030-04-14: The payment source declined: insufficient funds',
    ]);
  });
});
