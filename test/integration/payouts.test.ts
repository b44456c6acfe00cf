import type { PaymentRail, RailResult } from '../../src/app/repayment/payment-rail';
import { PayoutService, payoutNoticeKey } from '../../src/app/repayment/payout.service';
import type { PayoutStatus } from '../../src/storage/models/payout.model';
import { OutboxService } from '../../src/app/billing/outbox.service';
import { testDatabase } from '../support/test-database';
import { userViewer, type World, world } from '../support/world';

/** A bank that collects every repayment and answers payouts as told (or never: a crash). */
function bankPaying(answer: RailResult | 'CRASH') {
  const payouts: { payoutId: string; amountMinor: number }[] = [];
  const rail: PaymentRail = {
    collect: async () => ({ status: 'SUCCEEDED' }),
    disburse: async ({ payoutId, amountMinor }) => {
      payouts.push({ payoutId, amountMinor });
      if (answer === 'CRASH') throw new Error('the process stopped before the rail answered');
      return answer;
    },
  };
  return { rail, payouts };
}

/** Alice with 299.00 of credit balance: a tea set bought, paid off, then refunded. */
async function aliceWithBalance() {
  const t = await testDatabase();
  const w = await world(t.repos, bankPaying({ status: 'SUCCEEDED' }).rail);
  await w.at('2030-04-01T02:00:00Z');
  const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'po-tea-00001');
  await w.ship('MALL', tea._id);
  const paid = await w.repay('u_alice', {
    kind: 'PAYOFF',
    source: 'BANK_CARD',
    idempotencyKey: 'po-payoff-01',
  });
  expect(paid.repayment).toMatchObject({ status: 'SUCCEEDED', amountMinor: 29_900 });
  await w.refund('MALL', tea._id, 29_900, 'po-refund-0001');
  expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900, usedMinor: 0 });
  const payoutEntries = async () =>
    (await t.repos.ledger.all('cl_alice'))
      .filter((entry) => ['PAY_OUT_CREDIT', 'REVERSE_PAYOUT'].includes(entry.type))
      .map((e) => e.type);
  return { t, w, payoutEntries };
}

/** The notice of how the first attempt of a payout ended. */
const notice = (w: World, payoutId: string, ended: PayoutStatus) =>
  w.repos.notifications.byId(payoutNoticeKey({ _id: payoutId, attempt: 1 }, ended));

/**
 * A payout is recorded before the ledger debits the balance; one that a crash or a rail answering
 * later left unfinished is finished by the due jobs, each step once, and the shopper is told.
 */
describe('payouts the due jobs finish', () => {
  test('a crash after the debit: the next run pays it, once, and tells her; her retry answers the same', async () => {
    const { t, w, payoutEntries } = await aliceWithBalance();
    await using _db = t;
    w.rail = bankPaying('CRASH').rail;
    await expect(w.payOut('u_alice', { idempotencyKey: 'po-crash-0001' })).rejects.toThrow('process stopped');
    // Debited, not paid: 299.00 - 299.00 = 0.00 on the balance, the payout INITIATED.
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0 });
    expect(await t.repos.payouts.byId('u_alice:po-crash-0001')).toMatchObject({
      status: 'INITIATED',
      askedMinor: null,
    });

    const bank = bankPaying({ status: 'SUCCEEDED' });
    w.rail = bank.rail;
    // Within 5 minutes of her request the jobs leave it alone (she may still be waiting on it).
    await w.at('2030-04-01T02:04:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 0 });
    expect(bank.payouts).toEqual([]);
    // At 02:06 the jobs take it up, but the rail fails again: the report counts it as failed.
    w.rail = bankPaying('CRASH').rail;
    await w.at('2030-04-01T02:06:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 0, waitingFailed: 1, linesFailed: 0 });
    w.rail = bank.rail;
    await w.at('2030-04-01T02:10:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 1 });
    expect(bank.payouts).toEqual([{ payoutId: 'u_alice:po-crash-0001', amountMinor: 29_900 }]);
    expect(await t.repos.payouts.byId('u_alice:po-crash-0001')).toMatchObject({
      status: 'PAID',
      amountMinor: 29_900,
    });
    expect(await notice(w, 'u_alice:po-crash-0001', 'PAID')).toMatchObject({
      kind: 'PAYOUT_PAID',
      message:
        'Your payout of 299.00 CNY from your credit balance, asked on 2030-04-01, was paid to your bank card',
    });
    expect(await payoutEntries()).toEqual(['PAY_OUT_CREDIT']);
    // Nothing left to finish; her retry replays the debit (the rail, idempotent per payout, answers paid).
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 0 });
    expect(await w.payOut('u_alice', { idempotencyKey: 'po-crash-0001' })).toEqual({
      amountMinor: 29_900,
      status: 'PAID',
      userErrors: [],
    });
    expect(await payoutEntries()).toEqual(['PAY_OUT_CREDIT']);
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0 });
  });

  test('a rail that answers later: INITIATED until it answers; refused then, the money comes back', async () => {
    const { t, w, payoutEntries } = await aliceWithBalance();
    await using _db = t;
    w.rail = bankPaying({ status: 'PENDING' }).rail;
    // 100.00 of the 299.00 asked: on its way (the answer she gets), 199.00 left on the balance.
    expect(await w.payOut('u_alice', { amountMinor: 10_000, idempotencyKey: 'po-later-0001' })).toEqual({
      amountMinor: 10_000,
      status: 'INITIATED',
      userErrors: [],
    });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 19_900 });
    // Asked again by the jobs, still no answer: tried now, left for later.
    const waiting = bankPaying({ status: 'PENDING' });
    w.rail = waiting.rail;
    await w.at('2030-04-01T02:10:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 0 });
    expect(waiting.payouts).toHaveLength(1);
    const tried = await t.repos.payouts.byId('u_alice:po-later-0001');
    expect(tried).toMatchObject({ status: 'INITIATED' });
    // Stamped with the run's time (the business clock runs on from 02:10 in real time).
    expect(tried!.triedAt.getTime()).toBeGreaterThanOrEqual(Date.parse('2030-04-01T02:10:00Z'));

    const bank = bankPaying({ status: 'FAILED', reason: 'account closed' });
    w.rail = bank.rail;
    await w.at('2030-04-01T02:20:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 1 });
    // Reversed: 199.00 + 100.00 = 299.00 back on the balance.
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900 });
    expect(await payoutEntries()).toEqual(['PAY_OUT_CREDIT', 'REVERSE_PAYOUT']);
    expect(await t.repos.payouts.byId('u_alice:po-later-0001')).toMatchObject({
      status: 'REVERSED',
      amountMinor: 10_000,
      reason: 'account closed',
    });
    expect(await notice(w, 'u_alice:po-later-0001', 'REVERSED')).toMatchObject({
      kind: 'PAYOUT_FAILED',
      message:
        'Your payout of 100.00 CNY from your credit balance, asked on 2030-04-01, was refused by your payment source (account closed): the money is back on your credit balance',
    });
    // Her retry: the refusal again, the rail not asked again, nothing moved.
    const retried = await w.payOut('u_alice', { amountMinor: 10_000, idempotencyKey: 'po-later-0001' });
    expect(retried.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_FAILED' })]);
    expect(bank.payouts).toHaveLength(1);
    expect(await payoutEntries()).toEqual(['PAY_OUT_CREDIT', 'REVERSE_PAYOUT']);
    expect(await t.repos.payouts.byId('u_alice:po-later-0001')).toMatchObject({ reason: 'account closed' });
  });

  test('a crash before the debit: the run carries it out, or says why it cannot', async () => {
    const { t, w, payoutEntries } = await aliceWithBalance();
    await using _db = t;
    // The process stops after recording the payout, before the ledger debit.
    const stopsBeforeDebit = Object.create(w.ledger, {
      append: { value: () => Promise.reject(new Error('the process stopped before the debit')) },
    }) as typeof w.ledger;
    const crashing = new PayoutService(
      t.repos,
      w.clock(),
      w.rail,
      stopsBeforeDebit,
      w.reviews,
      new OutboxService(t.repos.notifications),
    );
    const alice = userViewer('u_alice');
    await expect(crashing.payOutCreditBalance(alice, { idempotencyKey: 'po-before-001' })).rejects.toThrow(
      'before the debit',
    );
    await expect(
      crashing.payOutCreditBalance(alice, { amountMinor: 5_000, idempotencyKey: 'po-before-002' }),
    ).rejects.toThrow('before the debit');
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900 });
    expect(await payoutEntries()).toEqual([]);
    // Her line lists both as on their way, oldest first (asked at the same moment: by id), nothing
    // debited yet; nobody else may read them.
    const aliceLine = { id: 'cl_alice', userId: 'u_alice' };
    const listed = await w.payouts().inFlight(alice, aliceLine);
    expect(
      listed.map(({ _id, status, askedMinor, amountMinor }) => ({ _id, status, askedMinor, amountMinor })),
    ).toEqual([
      { _id: 'u_alice:po-before-001', status: 'INITIATED', askedMinor: null, amountMinor: undefined },
      { _id: 'u_alice:po-before-002', status: 'INITIATED', askedMinor: 5_000, amountMinor: undefined },
    ]);
    await expect(w.payouts().inFlight(userViewer('u_bob'), aliceLine)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // The same key for another amount is refused while the first is unfinished; nothing moves.
    expect(await w.payOut('u_alice', { amountMinor: 6_000, idempotencyKey: 'po-before-002' })).toEqual({
      amountMinor: null,
      status: null,
      userErrors: [expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' })],
    });

    // The run takes them oldest first: the whole balance (299.00) is paid out, so the 50.00 one finds
    // nothing left and is refused, moving nothing.
    const bank = bankPaying({ status: 'SUCCEEDED' });
    w.rail = bank.rail;
    await w.at('2030-04-01T02:10:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 2 });
    expect(bank.payouts).toEqual([{ payoutId: 'u_alice:po-before-001', amountMinor: 29_900 }]);
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0 });
    expect(await payoutEntries()).toEqual(['PAY_OUT_CREDIT']);
    expect(await t.repos.payouts.byId('u_alice:po-before-002')).toMatchObject({ status: 'REFUSED' });
    expect(await w.payouts().inFlight(alice, aliceLine)).toEqual([]);
    expect(await notice(w, 'u_alice:po-before-002', 'REFUSED')).toMatchObject({
      kind: 'PAYOUT_FAILED',
      message:
        'Your payout from your credit balance asked on 2030-04-01 could not be made: At most 0.00 CNY can be paid back. Nothing left your credit balance',
    });
  });

  test('a refused payout moves nothing and holds no key: asked again for less, it is paid', async () => {
    const { t, w, payoutEntries } = await aliceWithBalance();
    await using _db = t;
    // Not a positive amount: refused before anything is recorded.
    expect(await w.payOut('u_alice', { amountMinor: 0, idempotencyKey: 'po-zero-00001' })).toEqual({
      amountMinor: null,
      status: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_AMOUNT', field: 'amount' })],
    });
    expect(await t.repos.payouts.byId('u_alice:po-zero-00001')).toBeUndefined();
    const tooMuch = await w.payOut('u_alice', { amountMinor: 50_000, idempotencyKey: 'po-again-0001' });
    expect(tooMuch).toEqual({
      amountMinor: null,
      status: 'REFUSED',
      userErrors: [expect.objectContaining({ code: 'CREDIT_BALANCE_TOO_LOW', field: 'amount' })],
    });
    expect(await t.repos.payouts.byId('u_alice:po-again-0001')).toMatchObject({ status: 'REFUSED' });
    expect(await payoutEntries()).toEqual([]);
    // 299.00 - 200.00 = 99.00 left.
    expect(await w.payOut('u_alice', { amountMinor: 20_000, idempotencyKey: 'po-again-0001' })).toEqual({
      amountMinor: 20_000,
      status: 'PAID',
      userErrors: [],
    });
    expect(await t.repos.payouts.byId('u_alice:po-again-0001')).toMatchObject({
      status: 'PAID',
      askedMinor: 20_000,
      amountMinor: 20_000,
    });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 9_900 });
    // Paid, the key is held: another amount is refused.
    expect(
      (await w.payOut('u_alice', { amountMinor: 5_000, idempotencyKey: 'po-again-0001' })).userErrors,
    ).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(await payoutEntries()).toEqual(['PAY_OUT_CREDIT']);
  });

  test('a refused payout asked again under its key starts over, and the jobs follow it again', async () => {
    const { t, w } = await aliceWithBalance();
    await using _db = t;
    expect((await w.payOut('u_alice', { idempotencyKey: 'po-over-00001' })).status).toBe('PAID');
    // Nothing left: the whole balance asked under a new key is refused.
    const nothing = await w.payOut('u_alice', { idempotencyKey: 'po-over-00002' });
    expect(nothing).toMatchObject({ status: 'REFUSED', userErrors: [{ code: 'NOTHING_TO_PAY_OUT' }] });
    // A second tea set, paid off and refunded: 299.00 of balance again.
    const tea = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'po-tea-00002');
    await w.ship('MALL', tea._id);
    await w.repay('u_alice', { kind: 'PAYOFF', source: 'BANK_CARD', idempotencyKey: 'po-payoff-02' });
    await w.refund('MALL', tea._id, 29_900, 'po-refund-0002');
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 29_900 });
    // Asked again under the refused key, the bank answering later: on its way, and followed.
    w.rail = bankPaying({ status: 'PENDING' }).rail;
    expect(await w.payOut('u_alice', { idempotencyKey: 'po-over-00002' })).toEqual({
      amountMinor: 29_900,
      status: 'INITIATED',
      userErrors: [],
    });
    expect(await t.repos.payouts.byId('u_alice:po-over-00002')).toMatchObject({ status: 'INITIATED' });
    w.rail = bankPaying({ status: 'SUCCEEDED' }).rail;
    await w.at('2030-04-01T02:10:00Z');
    expect(await w.runDueJobs()).toMatchObject({ payoutsFinished: 1 });
    expect(await t.repos.payouts.byId('u_alice:po-over-00002')).toMatchObject({
      status: 'PAID',
      amountMinor: 29_900,
    });
    expect(await w.line('u_alice')).toMatchObject({ creditBalanceMinor: 0 });
    // Its second attempt: told under its own key.
    expect(await t.repos.payouts.byId('u_alice:po-over-00002')).toMatchObject({ attempt: 2 });
    expect(
      await t.repos.notifications.byId(payoutNoticeKey({ _id: 'u_alice:po-over-00002', attempt: 2 }, 'PAID')),
    ).toMatchObject({ kind: 'PAYOUT_PAID' });
  });

  test('a write made from an old reading of a payout changes nothing', async () => {
    await using t = await testDatabase();
    const at = new Date('2030-04-01T02:00:00Z');
    const id = 'u_alice:po-stale-0001';
    await t.repos.payouts.insertOnce({
      _id: id,
      lineId: 'cl_alice',
      userId: 'u_alice',
      idempotencyKey: 'po-stale-0001',
      askedMinor: 50_000,
      status: 'INITIATED',
      attempt: 1,
      createdAt: at,
      triedAt: at,
    });
    const first = { _id: id, attempt: 1 };
    expect(await t.repos.payouts.finish(first, { status: 'REFUSED', reason: 'CREDIT_BALANCE_TOO_LOW' })).toBe(
      true,
    );
    // Ended: a second ending of the same attempt is refused.
    expect(await t.repos.payouts.finish(first, { status: 'PAID', amountMinor: 50_000 })).toBe(false);
    const later = new Date('2030-04-01T02:01:00Z');
    expect(await t.repos.payouts.askAgain({ _id: id, askedMinor: 20_000, createdAt: later })).toBe(true);
    expect(await t.repos.payouts.askAgain({ _id: id, askedMinor: 20_000, createdAt: later })).toBe(false);
    // A job still holding attempt 1 (500.00) cannot end, retry-stamp or revive attempt 2.
    expect(await t.repos.payouts.finish(first, { status: 'REFUSED', reason: 'IDEMPOTENCY_KEY_REUSED' })).toBe(
      false,
    );
    await t.repos.payouts.tried(first, new Date('2030-04-01T02:30:00Z'));
    await t.repos.payouts.debited(first, 50_000);
    expect(await t.repos.payouts.byId(id)).toEqual({
      _id: id,
      lineId: 'cl_alice',
      userId: 'u_alice',
      idempotencyKey: 'po-stale-0001',
      askedMinor: 20_000,
      status: 'INITIATED',
      attempt: 2,
      createdAt: later,
      triedAt: later,
    });
    // Attempt 2 judged refused by one try, then debited by another: under way again.
    const second = { _id: id, attempt: 2 };
    expect(
      await t.repos.payouts.finish(second, { status: 'REFUSED', reason: 'CREDIT_BALANCE_TOO_LOW' }),
    ).toBe(true);
    await t.repos.payouts.debited(second, 20_000);
    expect(await t.repos.payouts.byId(id)).toMatchObject({ status: 'INITIATED', amountMinor: 20_000 });
    expect((await t.repos.payouts.byId(id))?.reason).toBeUndefined();
    // Ended, it keeps what it recorded: a late debit mark changes nothing.
    expect(await t.repos.payouts.finish(second, { status: 'PAID', amountMinor: 20_000 })).toBe(true);
    await t.repos.payouts.debited(second, 1);
    expect(await t.repos.payouts.byId(id)).toMatchObject({ status: 'PAID', amountMinor: 20_000 });
  });
});
