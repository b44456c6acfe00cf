import { CheckoutService } from '../../src/services/checkout.service';
import { ClockService } from '../../src/services/clock.service';
import { DueJobsService } from '../../src/services/due-jobs.service';
import { OrderPaymentService } from '../../src/services/order-payment.service';
import { RebuildService } from '../../src/services/rebuild.service';
import { RepaymentService } from '../../src/services/repayment.service';
import { SimulatedRail } from '../../src/services/payment-rail';
import { seedDemoData } from '../../src/seed/seed';
import { testDatabase } from '../support/test-database';

const operator = { userId: 'op', scopes: ['operator'] };
const alice = { userId: 'u_alice', scopes: ['user'] };
const quiet = { send: async () => undefined };

describe('statements over several cycles', () => {
  test('every capture and installment period is on exactly one bill, and issued bills never change', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const clock = () => new ClockService(t.repos.clock, 'local');
    const at = async (iso: string) => clock().advanceTo(new Date(iso), operator);
    const jobs = () => new DueJobsService(t.repos, clock(), operator, new SimulatedRail(), quiet).run();
    const buy = async (store: 'MALL' | 'INSTALLMENT', productId: string, key: string, periods?: 3) => {
      const orders = store === 'MALL' ? t.repos.mallOrders : t.repos.installmentOrders;
      const placed = await new CheckoutService(store, t.repos, orders, clock(), alice).checkout({
        items: [{ productId, quantity: 1 }],
        plan: periods ? 'INSTALLMENTS' : 'FULL',
        periods,
        idempotencyKey: key,
      });
      await new OrderPaymentService(t.repos, orders, clock(), operator).ship(placed.order!._id);
      return placed.order!;
    };

    await at('2030-05-02T02:00:00Z');
    const tea = await buy('MALL', 'mall-tea-set', 'cycles-tea-001');
    const bike = await buy('INSTALLMENT', 'inst-bike', 'cycles-bike-01', 3);
    await at('2030-05-05T04:00:00Z'); // statement 1: tea set + bike 1/3
    await jobs();
    const first = (await t.repos.bills.ofLine('cl_alice'))[0]!;
    await at('2030-05-20T02:00:00Z');
    const earbuds = await buy('MALL', 'mall-earbuds', 'cycles-buds-01');
    await new RepaymentService(t.repos, clock(), new SimulatedRail(), alice).repay({
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'cycles-repay-1',
    });
    for (const date of ['2030-06-05', '2030-07-05', '2030-08-05']) {
      await at(`${date}T04:00:00Z`);
      await jobs();
    }

    const bills = await t.repos.bills.ofLine('cl_alice');
    // June's bill was never paid: it went overdue, and its penalties open August's statement.
    expect(bills.map((b) => [b.statementDate, b.status])).toEqual([
      ['2030-05-05', 'PAID'],
      ['2030-06-05', 'OVERDUE'],
      ['2030-07-05', 'OVERDUE'],
      ['2030-08-05', 'ISSUED'],
    ]);
    expect(bills[3]!.lines.map((l) => l.kind)).toEqual(['PENALTY']);
    const lines = bills.flatMap((b) => b.lines.map((l) => ({ ...l, bill: b.statementDate })));
    const purchases = lines.filter((l) => l.kind === 'PURCHASE').map((l) => [l.ref, l.bill]);
    expect(purchases).toEqual([
      [tea._id, '2030-05-05'],
      [earbuds._id, '2030-06-05'],
    ]);
    const periods = lines
      .filter((l) => l.kind === 'INSTALLMENT_PRINCIPAL')
      .map((l) => [l.description, l.bill]);
    expect(periods).toEqual([
      ['Installment 1/3', '2030-05-05'],
      ['Installment 2/3', '2030-06-05'],
      ['Installment 3/3', '2030-07-05'],
    ]);
    const [plan] = await t.repos.installmentPlans.findByOrderIds([bike._id]);
    expect(plan).toMatchObject({ billedPeriods: 3, status: 'PAID_OFF' });
    // Every bill's payments and status replay from the ledger; a corrupted one is caught and repaired.
    const rebuild = new RebuildService(t.repos);
    expect(await rebuild.run(false)).toMatchObject({ billsChecked: 4, differences: [] });
    await t.repos.bills.setPayment(bills[1]!._id, 1, 'PAID');
    expect((await rebuild.run(false)).differences).toEqual([
      `${bills[1]!._id}: paid 1 PAID != ledger 0 OVERDUE`,
    ]);
    await rebuild.run(true);
    expect((await rebuild.run(false)).differences).toEqual([]);
    // The first statement was paid after it was issued: its lines and totals are as issued.
    const firstNow = bills[0]!;
    expect({ ...firstNow, paidMinor: 0, status: 'ISSUED' }).toEqual({
      ...first,
      paidMinor: 0,
      status: 'ISSUED',
    });
    expect(firstNow).toMatchObject({ status: 'PAID', paidMinor: first.totalMinor });
  });

  test('a refund in period 5 re-amortizes the 8 unbilled periods; billed ones stay as billed', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const clock = () => new ClockService(t.repos.clock, 'local');
    const at = async (iso: string) => clock().advanceTo(new Date(iso), operator);
    await at('2030-01-02T02:00:00Z');
    const placed = await new CheckoutService(
      'INSTALLMENT',
      t.repos,
      t.repos.installmentOrders,
      clock(),
      alice,
    ).checkout({
      items: [{ productId: 'inst-laptop', quantity: 1 }],
      plan: 'INSTALLMENTS',
      periods: 12,
      idempotencyKey: 'period-five-01',
    });
    const payments = () => new OrderPaymentService(t.repos, t.repos.installmentOrders, clock(), operator);
    await payments().ship(placed.order!._id);
    for (const date of ['2030-01-05', '2030-02-05', '2030-03-05', '2030-04-05']) {
      await at(`${date}T04:00:00Z`);
      await new DueJobsService(t.repos, clock(), operator, new SimulatedRail(), quiet).run();
    }
    // 4 periods billed (58325 + fee 4204, then 3 x 4199). Unbilled: 8 x 58325 = 466600, fees 8 x 4199 = 33592.
    // Refund 3000.00: 166600 left = 8 x 20825; fees 33592 x 166600 / 466600 = 11994.2 -> 11994
    // = 1501 + 7 x 1499; written off 33592 - 11994 = 21598.
    await at('2030-04-10T02:00:00Z');
    const refund = await payments().refund(placed.order!._id, 300_000, 'period-five-refund');
    expect(refund.refund).toMatchObject({ amountMinor: 300_000, feeWrittenOffMinor: 21_598 });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([placed.order!._id]);
    expect(plan!.remaining.map((p) => [p.index, p.principalMinor, p.feeMinor])).toEqual([
      [1, 58_325, 4_204],
      [2, 58_325, 4_199],
      [3, 58_325, 4_199],
      [4, 58_325, 4_199],
      [5, 20_825, 1_501],
      ...[6, 7, 8, 9, 10, 11, 12].map((index) => [index, 20_825, 1_499]),
    ]);
    expect(plan).toMatchObject({ billedPeriods: 4, feeWrittenOffMinor: 21_598, status: 'ACTIVE' });
    // Replaying the refund changes nothing.
    await payments().refund(placed.order!._id, 300_000, 'period-five-refund');
    const [again] = await t.repos.installmentPlans.findByOrderIds([placed.order!._id]);
    expect(again).toEqual(plan);
    // The line: 6999.00 - 3000.00 refunded = 3999.00 principal still owed (billed and unbilled).
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({ usedMinor: 399_900 });
  });

  test('paying one plan off early: everything billed, then the plan; its unbilled fees are waived', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const clock = () => new ClockService(t.repos.clock, 'local');
    const at = async (iso: string) => clock().advanceTo(new Date(iso), operator);
    const repay = (input: Parameters<RepaymentService['repay']>[0]) =>
      new RepaymentService(t.repos, clock(), new SimulatedRail(), alice).repay(input);
    await at('2030-06-02T02:00:00Z');
    const placed = await new CheckoutService(
      'INSTALLMENT',
      t.repos,
      t.repos.installmentOrders,
      clock(),
      alice,
    ).checkout({
      items: [{ productId: 'inst-bike', quantity: 1 }],
      plan: 'INSTALLMENTS',
      periods: 3,
      idempotencyKey: 'payoff-bike-01',
    });
    await new OrderPaymentService(t.repos, t.repos.installmentOrders, clock(), operator).ship(
      placed.order!._id,
    );
    // 2599.00 at tier A over 3: principal 86634 + 86633 + 86633; fee 259900 x 0.5% x 3 = 3898.5 -> 3899
    // = 1301 + 1299 + 1299.
    await at('2030-06-05T04:00:00Z');
    await new DueJobsService(t.repos, clock(), operator, new SimulatedRail(), quiet).run();
    const planId = `plan_${placed.order!._id}`;
    expect(
      (await repay({ kind: 'PLAN_PAYOFF', source: 'BANK_CARD', idempotencyKey: 'payoff-none-1' })).userErrors,
    ).toEqual([expect.objectContaining({ code: 'PLAN_NOT_FOUND', field: 'planId' })]);
    const payoff = await repay({
      kind: 'PLAN_PAYOFF',
      planId,
      source: 'BANK_CARD',
      idempotencyKey: 'payoff-bike-02',
    });
    // Billed: period 1 (86634 + 1301); then the plan's unbilled principal 2 x 86633.
    expect(payoff.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 87_935 + 173_266 });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([placed.order!._id]);
    expect(plan).toMatchObject({ status: 'PAID_OFF', feeWrittenOffMinor: 2_598, billedPeriods: 1 });
    expect(plan!.remaining.map((p) => p.index)).toEqual([1]);
    expect((await t.repos.creditLines.findByIds(['cl_alice']))[0]).toMatchObject({
      usedMinor: 0,
      feesOwedMinor: 0,
      creditBalanceMinor: 0,
    });
    // Nothing left to bill for this plan next month.
    await at('2030-07-05T04:00:00Z');
    expect(
      await new DueJobsService(t.repos, clock(), operator, new SimulatedRail(), quiet).run(),
    ).toMatchObject({ billsIssued: 0 });
  });
});
