import { testDatabase } from '../support/test-database';
import type { RailResult } from '../../src/app/repayment/payment-rail';
import { userViewer, world } from '../support/world';

describe('statements over several cycles', () => {
  test('every capture and installment period is on exactly one bill, and issued bills never change', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-05-02T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'cycles-tea-001');
    await w.ship('MALL', tea._id);
    const bike = await w.buy('u_alice', 'INSTALLMENT', 'inst-bike', 'cycles-bike-01', 3);
    await w.ship('INSTALLMENT', bike._id);
    await w.at('2030-05-05T04:00:00Z'); // statement 1: tea set + bike 1/3
    await w.runDueJobs();
    const first = (await w.bills('u_alice'))[0]!;
    await w.at('2030-05-10T02:00:00Z');
    await w.repay('u_alice', { kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey: 'cycles-repay-1' });
    await w.at('2030-05-20T02:00:00Z');
    const earbuds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'cycles-buds-01');
    await w.ship('MALL', earbuds._id);
    for (const date of ['2030-06-05', '2030-07-05', '2030-08-05']) {
      await w.at(`${date}T04:00:00Z`);
      await w.runDueJobs();
    }

    // June's and July's bills were never paid: overdue, each accruing its own penalties. August's
    // cycle has nothing in it, so there is no August statement (penalties stay on their bills).
    const bills = await w.bills('u_alice');
    expect(bills.map((b) => [b.statementDate, b.status])).toEqual([
      ['2030-05-05', 'PAID'],
      ['2030-06-05', 'OVERDUE'],
      ['2030-07-05', 'OVERDUE'],
    ]);
    expect(bills[1]!.billed.PENALTIES).toBeGreaterThan(0);
    const items = bills.flatMap((b) => b.items.map((item) => ({ ...item, bill: b.statementDate })));
    expect(items.filter((i) => i.kind === 'PURCHASE').map((i) => [i.ref, i.bill])).toEqual([
      [tea._id, '2030-05-05'],
      [earbuds._id, '2030-06-05'],
    ]);
    expect(items.filter((i) => i.kind === 'INSTALLMENT_PRINCIPAL').map((i) => [i.period, i.bill])).toEqual([
      [1, '2030-05-05'],
      [2, '2030-06-05'],
      [3, '2030-07-05'],
    ]);
    const [plan] = await t.repos.installmentPlans.findByOrderIds([bike._id]);
    expect(plan).toMatchObject({ billedPeriods: 3, status: 'FULLY_BILLED' });
    // Every bill replays from the ledger; a corrupted one is caught and repaired.
    expect(await w.rebuild.run(false)).toMatchObject({ billsChecked: 3, plansChecked: 1, differences: [] });
    await t.db.models.bills.updateOne({ _id: bills[1]!._id }, { $set: { status: 'PAID', owedMinor: 0 } });
    expect((await w.rebuild.run(false)).differences).toEqual([
      `${bills[1]!._id}: owed 0 PAID != ledger ${bills[1]!.owedMinor} OVERDUE`,
    ]);
    await w.rebuild.run(true);
    expect((await w.rebuild.run(false)).differences).toEqual([]);
    // The first statement was paid after it was issued: its lines are as issued.
    const firstNow = (await w.bills('u_alice'))[0]!;
    expect(firstNow.items).toEqual(first.items);
    expect(firstNow.statementTotalMinor).toBe(first.statementTotalMinor);
    expect(firstNow).toMatchObject({ status: 'PAID', owedMinor: 0 });
  });

  test('a refund in period 5 re-amortizes the 8 unbilled periods; billed ones stay as billed', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-01-02T02:00:00Z');
    const laptop = await w.buy('u_alice', 'INSTALLMENT', 'inst-laptop', 'period-five-01', 12);
    await w.ship('INSTALLMENT', laptop._id);
    for (const date of ['2030-01-05', '2030-02-05', '2030-03-05', '2030-04-05']) {
      await w.at(`${date}T04:00:00Z`);
      await w.runDueJobs();
    }
    // 4 periods billed (58325 + fee 4204, then 3 x 4199). Unbilled: 8 x 58325 = 466600, fees 8 x 4199 = 33592.
    // Refund 3000.00: 166600 left = 8 x 20825; fees 33592 x 166600 / 466600 = 11994.2 -> 11994
    // = 1501 + 7 x 1499; written off 33592 - 11994 = 21598.
    await w.at('2030-04-10T02:00:00Z');
    const refund = await w.refund('INSTALLMENT', laptop._id, 300_000, 'period-five-refund');
    expect(refund.refund).toMatchObject({ amountMinor: 300_000, feeWrittenOffMinor: 21_598 });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([laptop._id]);
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
    const again = await w.refund('INSTALLMENT', laptop._id, 300_000, 'period-five-refund');
    expect(again.refund).toMatchObject({ feeWrittenOffMinor: 21_598 });
    expect((await t.repos.installmentPlans.findByOrderIds([laptop._id]))[0]).toEqual(plan);
    // The line: 6999.00 - 3000.00 refunded = 3999.00 principal still owed (billed and unbilled).
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 399_900 });
  });

  test('a repayment of a kind spends the credit balance first, set aside until the source answers', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    const asked: number[] = [];
    let answer: RailResult = { status: 'PENDING' };
    w.rail = {
      collect: async (repayment) => (asked.push(repayment.amountMinor), answer),
      disburse: async () => ({ status: 'SUCCEEDED' }),
    };
    await w.at('2030-04-01T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'net-tea-0001'); // 299.00 in full
    await w.ship('MALL', tea._id);
    await w.at('2030-04-05T04:00:00Z');
    await w.runDueJobs(); // statement: 299.00 (auto-debit only on the due day)
    answer = { status: 'SUCCEEDED' };
    const paid = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'net-stmt-01',
    });
    expect(paid.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 29_900 });
    // The tea set comes back after it was paid: 299.00 on the credit balance.
    await w.refund('MALL', tea._id, 29_900, 'net-refund-01');
    const buds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'net-buds-001'); // 499.00, not billed yet
    await w.ship('MALL', buds._id);
    const due = async () =>
      (await w.repayments().amountsDue(userViewer('u_alice'), await w.line('u_alice'))).amountsMinor;
    const payOff = (idempotencyKey: string) =>
      w.repay('u_alice', { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey });
    // 499.00 owed - 299.00 balance = 200.00 from the card.
    expect(await due()).toMatchObject({ PAYOFF: 20_000, STATEMENT: 0, MINIMUM: 0 });

    // The bank takes its time: the 299.00 is set aside meanwhile, so a payout cannot take it.
    answer = { status: 'PENDING' };
    const payoff = await payOff('net-payoff-1');
    expect(payoff.repayment).toMatchObject({
      status: 'INITIATED',
      amountMinor: 20_000,
      fromCreditBalanceMinor: 29_900,
    });
    expect(asked.at(-1)).toBe(20_000);
    expect(await w.line('u_alice')).toMatchObject({
      creditBalanceMinor: 0,
      usedMinor: 49_900,
      state: expect.objectContaining({ reservedCreditMinor: 29_900 }),
    });
    expect((await w.payOut('u_alice', { idempotencyKey: 'net-payout-1' })).userErrors).toEqual([
      expect.objectContaining({ code: 'NOTHING_TO_PAY_OUT' }),
    ]);
    // 05-05: the earbuds are billed (499.00) before the bank answers. What is set aside still pays
    // bills at once: 499.00 - 299.00 = 200.00 owed, nothing left aside, so the bill cannot go
    // overdue for want of it. The next day's jobs ask the bank again: its 200.00 pays the rest.
    await w.at('2030-05-05T04:00:00Z');
    await w.runDueJobs();
    expect((await w.bills('u_alice')).at(-1)).toMatchObject({ status: 'PARTIALLY_PAID', owedMinor: 20_000 });
    expect((await w.line('u_alice')).state).toMatchObject({ reservedCreditMinor: 0 });
    answer = { status: 'SUCCEEDED' };
    await w.at('2030-05-06T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ repaymentsConfirmed: 1 });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0, usedMinor: 0 });
    expect((await w.bills('u_alice')).at(-1)).toMatchObject({ status: 'PAID', owedMinor: 0 });
    const types = (await t.repos.ledger.all('cl_alice')).map((entry) => entry.command.type);
    expect(types.filter((type) => type === 'RESERVE_CREDIT' || type === 'REPAY').slice(-2)).toEqual([
      'RESERVE_CREDIT',
      'REPAY',
    ]);

    // A decline gives the balance back. The earbuds come back after they were paid: 499.00 of
    // balance; then 499.00 + 299.00 bought: PAYOFF asks 798.00 - 499.00 = 299.00, the card declines.
    await w.refund('MALL', buds._id, 49_900, 'net-refund-02');
    const again = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'net-buds-002');
    await w.ship('MALL', again._id);
    const tea2 = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'net-tea-0002');
    await w.ship('MALL', tea2._id);
    answer = { status: 'FAILED', reason: 'card expired' };
    const declined = await payOff('net-payoff-2');
    expect(declined.repayment).toMatchObject({ status: 'FAILED', amountMinor: 29_900 });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 49_900, usedMinor: 79_800 });

    // The tea set is cancelled by refund before billing (798.00 - 299.00 = 499.00 owed): the balance
    // covers it all, and nothing is asked of the card.
    await w.refund('MALL', tea2._id, 29_900, 'net-refund-03');
    const calls = asked.length;
    const covered = await payOff('net-payoff-3');
    expect(covered.repayment).toMatchObject({
      status: 'SUCCEEDED',
      amountMinor: 0,
      fromCreditBalanceMinor: 49_900,
    });
    expect(asked).toHaveLength(calls);
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0, usedMinor: 0 });
  });

  test('a repayment whose balance was spent before it was set aside fails and collects nothing', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    const asked: string[] = [];
    w.rail = {
      collect: async (repayment) => (asked.push(repayment._id), { status: 'SUCCEEDED' }),
      disburse: async () => ({ status: 'SUCCEEDED' }),
    };
    await w.at('2030-04-01T02:00:00Z');
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'spent-tea-01'); // 299.00, paid at once
    await w.ship('MALL', tea._id);
    expect(
      (await w.repay('u_alice', { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey: 'spent-pay-01' }))
        .userErrors,
    ).toEqual([]);
    await w.refund('MALL', tea._id, 29_900, 'spent-refund-1'); // 299.00 of balance
    const buds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'spent-buds-1'); // 499.00 unbilled
    await w.ship('MALL', buds._id);
    // A PAYOFF recorded (200.00 from the card, 299.00 from the balance), then the process died before
    // the balance was set aside; the shopper takes the balance out meanwhile.
    await t.repos.repayments.insertOnce({
      _id: 'rp_spent_before_reserve',
      lineId: 'cl_alice',
      userId: 'u_alice',
      idempotencyKey: 'u_alice:spent-payoff-1',
      requestHash: 'h',
      kind: 'PAYOFF',
      planId: null,
      payOffPlanIds: [],
      source: 'BANK_CARD',
      amountMinor: 20_000,
      fromCreditBalanceMinor: 29_900,
      status: 'INITIATED',
      failureReason: null,
      createdAt: new Date('2030-04-01T02:00:00Z'),
    });
    expect(await w.payOut('u_alice', { idempotencyKey: 'spent-payout-1' })).toEqual({
      amountMinor: 29_900,
      status: 'PAID',
      userErrors: [],
    });
    const headBefore = (await w.line('u_alice')).headSequence;
    // The next jobs ask again: nothing to set aside, so the card is not asked and nothing moves.
    await w.at('2030-04-02T04:00:00Z');
    await w.runDueJobs();
    expect(await t.repos.repayments.byId('rp_spent_before_reserve')).toMatchObject({
      status: 'FAILED',
      failureReason: 'the credit balance it counted on was spent first',
    });
    expect(asked).not.toContain('rp_spent_before_reserve');
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0, usedMinor: 49_900 });
    // No repayment entry: a decline of the 499.00 it would have paid (200.00 + 299.00), moving
    // nothing, so the shopper's apps hear of it.
    const written = (await t.repos.ledger.all('cl_alice')).filter((entry) => entry.sequence > headBefore);
    expect(written.map((entry) => entry.command.type)).not.toContain('REPAY');
    expect(written.filter((entry) => entry.command.type === 'DECLINE_REPAYMENT')).toEqual([
      expect.objectContaining({
        amountMinor: 49_900,
        command: expect.objectContaining({ reason: 'the credit balance it counted on was spent first' }),
      }),
    ]);
    // Asked again with the same key: the same answer, no second entry.
    await w.runDueJobs();
    expect((await t.repos.ledger.all('cl_alice')).filter((e) => e.sequence > headBefore)).toHaveLength(
      written.length,
    );
  });

  test('paying one plan off early: everything billed, then the plan; its unbilled fees are waived', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-06-02T02:00:00Z');
    const bike = await w.buy('u_alice', 'INSTALLMENT', 'inst-bike', 'payoff-bike-01', 3);
    await w.ship('INSTALLMENT', bike._id);
    // 2599.00 at tier A over 3: principal 86634 + 86633 + 86633; fee 259900 x 0.5% x 3 = 3898.5 -> 3899
    // = 1301 + 1299 + 1299.
    await w.at('2030-06-05T04:00:00Z');
    await w.runDueJobs();
    const planId = `plan_${bike._id}`;
    const none = await w.repay('u_alice', {
      kind: 'PLAN_PAYOFF',
      source: 'BANK_CARD',
      idempotencyKey: 'payoff-none-1',
    });
    // No planId: the plan to pay off must be named.
    expect(none.userErrors).toEqual([expect.objectContaining({ code: 'PLAN_ID_REQUIRED', field: 'planId' })]);
    const unknown = await w.repay('u_alice', {
      kind: 'PLAN_PAYOFF',
      planId: 'plan_nobody',
      source: 'BANK_CARD',
      idempotencyKey: 'payoff-none-2',
    });
    expect(unknown.userErrors).toEqual([
      expect.objectContaining({ code: 'PLAN_NOT_FOUND', field: 'planId' }),
    ]);
    const payoff = await w.repay('u_alice', {
      kind: 'PLAN_PAYOFF',
      planId,
      source: 'BANK_CARD',
      idempotencyKey: 'payoff-bike-02',
    });
    // Billed: period 1 (86634 + 1301); then the plan's unbilled principal 2 x 86633.
    expect(payoff.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 87_935 + 173_266 });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([bike._id]);
    expect(plan).toMatchObject({ status: 'PAID_OFF', feeWrittenOffMinor: 2_598, billedPeriods: 1 });
    expect(plan!.remaining.map((p) => p.index)).toEqual([1]);
    expect(await w.line('u_alice')).toMatchObject({
      usedMinor: 0,
      installmentFeesOwedMinor: 0,
      creditBalanceMinor: 0,
    });
    // Nothing left to bill for this plan next month.
    await w.at('2030-07-05T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ billsIssued: 0 });
  });

  test('an AMOUNT is at most what it can pay: everything billed and the purchases not billed yet, not the plans', async () => {
    await using t = await testDatabase();
    const collected: number[] = [];
    const w = await world(t.repos, {
      collect: async (repayment) => {
        collected.push(repayment.amountMinor);
        return { status: 'SUCCEEDED' };
      },
      disburse: async () => ({ status: 'SUCCEEDED' }),
    });
    await w.at('2030-06-02T02:00:00Z');
    const bike = await w.buy('u_alice', 'INSTALLMENT', 'inst-bike', 'cap-bike-0001', 3);
    await w.ship('INSTALLMENT', bike._id);
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'cap-tea-00001');
    await w.ship('MALL', tea._id);
    await w.at('2030-06-05T04:00:00Z');
    await w.runDueJobs();
    await w.at('2030-06-06T02:00:00Z');
    const buds = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'cap-buds-0001');
    await w.ship('MALL', buds._id);
    // Billed: the bike's period 1 (86634 + fee 1301 = 87935) and the tea set 29900; not billed yet:
    // the earbuds 49900, which an AMOUNT prepays, and the bike's periods 2-3 (2 x 86633), which it
    // does not. The most: 87935 + 29900 + 49900 = 167735.
    const entriesBefore = (await t.repos.ledger.all('cl_alice')).length;
    // The line's amountsDue says so before she asks.
    const lineDoc = (await t.repos.creditLines.byId('cl_alice'))!;
    expect((await w.repayments().amountsDue(userViewer('u_alice'), lineDoc)).amountAtMostMinor).toBe(167_735);
    const over = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 167_736,
      source: 'BANK_CARD',
      idempotencyKey: 'cap-amount-01',
    });
    expect(over).toEqual({
      repayment: null,
      userErrors: [
        {
          code: 'AMOUNT_OVER_OWED',
          field: 'amount',
          message:
            'At most 1677.35 CNY can be repaid as an AMOUNT now: everything billed and the purchases not billed yet (installments not billed yet are paid off with PAYOFF or PLAN_PAYOFF)',
        },
      ],
    });
    // Nothing asked, recorded or written.
    expect(collected).toEqual([]);
    expect((await t.repos.ledger.all('cl_alice')).length).toBe(entriesBefore);
    const exact = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 167_735,
      source: 'BANK_CARD',
      idempotencyKey: 'cap-amount-02',
    });
    expect(exact.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 167_735 });
    // Left: the bike's unbilled principal 173266, nothing on the balance.
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 173_266, creditBalanceMinor: 0 });
    const more = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 1,
      source: 'BANK_CARD',
      idempotencyKey: 'cap-amount-03',
    });
    // Nothing an AMOUNT can pay: refused as the other kinds are when nothing is owed.
    expect(more.userErrors).toEqual([
      {
        code: 'NOTHING_TO_REPAY',
        field: 'kind',
        message:
          'Nothing billed or bought in full is owed: an AMOUNT has nothing to pay (installments not billed yet are paid off with PAYOFF or PLAN_PAYOFF)',
      },
    ]);
    // Her retry of the 1677.35 under its key replays it, though it is more than could be asked now.
    const retried = await w.repay('u_alice', {
      kind: 'AMOUNT',
      amountMinor: 167_735,
      source: 'BANK_CARD',
      idempotencyKey: 'cap-amount-02',
    });
    expect(retried).toMatchObject({
      repayment: { _id: exact.repayment!._id, status: 'SUCCEEDED', amountMinor: 167_735 },
      userErrors: [],
    });
    expect(collected).toEqual([167_735]);
  });

  test('a plan payoff the bank confirms after a statement still pays the plan off: the fee billed meanwhile is waived', async () => {
    await using t = await testDatabase();
    const { w, rail } = await worldWithRail(t);
    const bike = await bikeWithFirstPeriodPaid(w, 'late-payoff');
    // 07-03: nothing billed is owed; the payoff is the unbilled principal 2 x 86633 = 173266, its
    // fees 2 x 1299 waived. The bank has not answered by the 07-05 statement, which bills period 2:
    // 86633 + 1299 = 87932.
    await w.at('2030-07-03T02:00:00Z');
    rail.next = { status: 'PENDING' };
    const planId = `plan_${bike._id}`;
    const asked = await w.repay('u_alice', {
      kind: 'PLAN_PAYOFF',
      planId,
      source: 'BANK_CARD',
      idempotencyKey: 'late-payoff-plan',
    });
    expect(asked.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 173_266 });
    await w.at('2030-07-05T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ billsIssued: 1, repaymentsConfirmed: 0 });
    expect((await w.bills('u_alice')).at(-1)).toMatchObject({
      statementDate: '2030-07-05',
      owedMinor: 87_932,
    });
    // 07-06 the bank pays 173266. Period 2's fee (1299) is waived as quoted: the 173266 pays its
    // principal 86633 and period 3's 86633. Written off: 1299 + 1299 = 2598, as if paid at once.
    rail.next = { status: 'SUCCEEDED' };
    await w.at('2030-07-06T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ repaymentsConfirmed: 1 });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([bike._id]);
    expect(plan).toMatchObject({ status: 'PAID_OFF', feeWrittenOffMinor: 2_598, billedPeriods: 2 });
    const july = (await w.bills('u_alice')).at(-1)!;
    expect(july).toMatchObject({ status: 'PAID', owedMinor: 0 });
    expect(july.credited.INSTALLMENT_FEES).toBe(1_299);
    expect(july.items.find((item) => item.kind === 'INSTALLMENT_FEE')).toMatchObject({
      creditedMinor: 1_299,
    });
    expect(await w.line('u_alice')).toMatchObject({
      usedMinor: 0,
      installmentFeesOwedMinor: 0,
      creditBalanceMinor: 0,
    });
    expect(await w.rebuild.run(false)).toMatchObject({ differences: [] });
    await w.at('2030-08-05T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ billsIssued: 0 });
  });
  test('a STATEMENT repayment the bank confirms days later counts from the day it was asked: penalties accrued meanwhile are waived', async () => {
    await using t = await testDatabase();
    const { w, rail } = await worldWithRail(t);
    await w.at('2030-06-02T02:00:00Z');
    const teaSet = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'late-statement-tea');
    await w.ship('MALL', teaSet._id);
    // 299.00 billed 06-05, due 06-14, unpaid: overdue from 06-15, penalty 0.05% a day = 14.95 fen.
    await w.at('2030-06-05T04:00:00Z');
    await w.runDueJobs();
    // 06-20, 6 days: floor(89.70) = 0.89. STATEMENT asks 299.89; the bank has not answered.
    await w.at('2030-06-20T02:00:00Z');
    rail.next = { status: 'PENDING' };
    const asked = await w.repay('u_alice', {
      kind: 'STATEMENT',
      source: 'BANK_CARD',
      idempotencyKey: 'late-statement',
    });
    expect(asked.repayment).toMatchObject({ status: 'INITIATED', amountMinor: 29_989 });
    // 06-25 it pays 299.89: 11 days are charged, floor(164.45) = 1.64; the 0.75 since 06-20 is
    // credited and the 299.89 settles the bill, as had it landed on 06-20.
    rail.next = { status: 'SUCCEEDED' };
    await w.at('2030-06-25T04:00:00Z');
    expect(await w.runDueJobs()).toMatchObject({ repaymentsConfirmed: 1 });
    const [june] = await w.bills('u_alice');
    expect(june).toMatchObject({ status: 'SETTLED', owedMinor: 0 });
    expect(june!.billed.PENALTIES).toBe(164);
    expect(june!.paid.PENALTIES).toBe(89);
    expect(june!.credited.PENALTIES).toBe(75);
    expect(await w.line('u_alice')).toMatchObject({
      usedMinor: 0,
      penaltiesOwedMinor: 0,
      creditBalanceMinor: 0,
    });
    expect(await w.rebuild.run(false)).toMatchObject({ differences: [] });
  });
  test('a plan payoff that lands short of its plan, a bill cut meanwhile gone overdue, pays the bills and tells the shopper', async () => {
    await using t = await testDatabase();
    const { w, rail } = await worldWithRail(t);
    const bike = await bikeWithFirstPeriodPaid(w, 'short-payoff');
    // 07-03: PLAN_PAYOFF asks 2 x 86633 = 173266; the bank does not answer.
    await w.at('2030-07-03T02:00:00Z');
    rail.next = { status: 'PENDING' };
    const planId = `plan_${bike._id}`;
    const payoff = {
      kind: 'PLAN_PAYOFF',
      planId,
      source: 'BANK_CARD',
      idempotencyKey: 'short-plan',
    } as const;
    expect((await w.repay('u_alice', payoff)).repayment).toMatchObject({ amountMinor: 173_266 });
    // 07-04 a 299.00 tea set, in full; the 07-05 statement bills it with period 2: 29900 + 86633 +
    // 1299 = 117832, due 07-14, unpaid: overdue from 07-15.
    await w.at('2030-07-04T02:00:00Z');
    const teaSet = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'short-payoff-tea');
    await w.ship('MALL', teaSet._id);
    await w.at('2030-07-05T04:00:00Z');
    await w.runDueJobs();
    // 07-16 the bank pays 173266. Penalties for 07-15 and 07-16 on 117832: floor(117.832) = 1.17.
    // The bill (cut after the ask) is overdue: 1.17 + 117832 (fee not waived) = 117949 comes first,
    // more than the 173266 - 86633 the plan leaves. So the waterfall as for any repayment: the bill,
    // then 173266 - 117949 = 55317 is a credit balance; the plan's period 3 (86633) is not paid off.
    rail.next = { status: 'SUCCEEDED' };
    await w.at('2030-07-16T04:00:00Z');
    expect((await w.repay('u_alice', payoff)).repayment).toMatchObject({ status: 'SUCCEEDED' });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([bike._id]);
    expect(plan).toMatchObject({ status: 'ACTIVE', billedPeriods: 2 });
    expect((await w.bills('u_alice')).at(-1)).toMatchObject({ status: 'SETTLED', owedMinor: 0 });
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 86_633, creditBalanceMinor: 55_317 });
    // PLAN_PAYOFF today: 86633, of which the balance pays 55317: 86633 - 55317 = 31316 from the source.
    const notices = (await t.repos.notifications.ofUser('u_alice')).filter((n) => n.kind === 'PAYOFF_SHORT');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain('installment plan ' + planId + ' is not paid off');
    expect(notices[0]!.message).toContain(
      'PLAN_PAYOFF today asks 313.16 CNY from your payment source, after 553.17 CNY of your credit balance',
    );
    // A crash after the notice and before the status: the retry replays the entry, tells nothing twice.
    const recorded = (await w.repay('u_alice', payoff)).repayment!;
    await t.repos.repayments.setStatus(recorded._id, 'INITIATED', null);
    expect((await w.repay('u_alice', payoff)).repayment).toMatchObject({ status: 'SUCCEEDED' });
    expect(
      (await t.repos.notifications.ofUser('u_alice')).filter((n) => n.kind === 'PAYOFF_SHORT'),
    ).toHaveLength(1);
  });
});

/** A world whose rail answers `rail.next` (SUCCEEDED until a test sets another answer). */
async function worldWithRail(t: Awaited<ReturnType<typeof testDatabase>>) {
  const w = await world(t.repos);
  const rail = { next: { status: 'SUCCEEDED' } as RailResult };
  w.rail = { collect: async () => rail.next, disburse: async () => ({ status: 'SUCCEEDED' }) };
  return { w, rail };
}

/**
 * Alice's e-bike in 3, bought and shipped 2030-06-02: principal 86634 + 86633 + 86633, fees 1301 +
 * 1299 + 1299. Period 1 billed 06-05 and paid in full 06-10, so nothing billed is owed after.
 */
async function bikeWithFirstPeriodPaid(w: Awaited<ReturnType<typeof world>>, key: string) {
  await w.at('2030-06-02T02:00:00Z');
  const bike = await w.buy('u_alice', 'INSTALLMENT', 'inst-bike', `${key}-bike`, 3);
  await w.ship('INSTALLMENT', bike._id);
  await w.at('2030-06-05T04:00:00Z');
  await w.runDueJobs();
  await w.at('2030-06-10T02:00:00Z');
  await w.repay('u_alice', { kind: 'STATEMENT', source: 'BANK_CARD', idempotencyKey: `${key}-stmt` });
  return bike;
}
