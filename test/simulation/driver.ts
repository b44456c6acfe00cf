import type { ApplicantInputs } from '../../src/core/risk/scorecard';
import { demoProducts } from '../../src/seed/demo-data';
import { CreditLineOpeningService } from '../../src/app/credit/credit-line-opening.service';
import type { PaymentRail, RailResult } from '../../src/app/repayment/payment-rail';
import type { RepayKind } from '../../src/app/repayment/repayment.service';
import { createMemoryDatabase } from '../../src/storage/memory/memory-database';
import type { RepaymentDoc } from '../../src/storage/models/repayment.model';
import { createRepositories, type Repositories } from '../../src/storage/repositories/repositories';
import { world, type World } from '../support/world';
import { AuditFailure, Auditor, type LineObservation, type Observation, type OrderModel } from './auditor';
import { addDays, cstDate, cstMidnight } from './calendar';
import type { Exchange, RailCall, SimReply, SimRequest } from './exchange';
import { hash32, Prng } from './prng';

export interface SimulationOptions {
  seed: number;
  steps: number;
  /** Repositories over a real engine; default: a fresh in-memory database. */
  repos?: Repositories;
  /** How to replay a failing seed, printed with the failure (`{seed}` and `{steps}` are filled in). */
  replay?: string;
}

export interface SimulationResult {
  seed: number;
  steps: number;
  /** Requests by kind and outcome, e.g. `checkout:ok`, `refund:REFUND_EXCEEDS_CAPTURED`. */
  commands: Record<string, number>;
  billsChecked: number;
  counts: Auditor['counts'];
  log: Exchange[];
}

/** A failed run: names the seed, the step and what differed, and how to replay it. */
export class SimulationFailure extends Error {
  constructor(
    message: string,
    readonly seed: number,
    readonly step: number,
  ) {
    super(message);
    this.name = 'SimulationFailure';
  }
}

/** Lines opened besides the seeded u_alice (5th), u_bob (12th) and u_carol (20th): other statement days. */
const extraApplicants: { userId: string; statementDay: number; inputs: ApplicantInputs }[] = [
  {
    userId: 'u_dave',
    statementDay: 28,
    inputs: {
      accountAgeDays: 365,
      verifiedIncomeBand: 2,
      onTimeBills: 6,
      lateBills: 1,
      maxDaysOverdue: 5,
      purchasesLast90Days: 5,
    },
  },
  {
    userId: 'u_erin',
    statementDay: 1,
    inputs: {
      accountAgeDays: 30,
      verifiedIncomeBand: 0,
      onTimeBills: 0,
      lateBills: 3,
      maxDaysOverdue: 10,
      purchasesLast90Days: 0,
    },
  },
];

const users = ['u_alice', 'u_bob', 'u_carol', 'u_dave', 'u_erin'] as const;
const userWeights = [3, 3, 1, 2, 2];
const mallProducts = demoProducts.filter((p) => p.store === 'MALL');
const storeProducts = demoProducts.filter((p) => p.store === 'INSTALLMENT');
const periodCounts = [3, 6, 12, 24];

/**
 * A payment rail that succeeds, declines or answers PENDING, decided by the seed and the repayment
 * (and how often it was asked), so a replay asks the same questions and gets the same answers.
 * Disbursements are idempotent per payout, as the rail contract says: once answered, asked again, the
 * same answer.
 */
class SimulatedBank implements PaymentRail {
  calls: RailCall[] = [];
  private readonly asked = new Map<string, number>();
  private readonly disbursed = new Map<string, RailCall['result']>();

  constructor(private readonly seed: number) {}

  async collect(repayment: RepaymentDoc): Promise<RailResult> {
    const attempt = (this.asked.get(repayment._id) ?? 0) + 1;
    this.asked.set(repayment._id, attempt);
    const roll = new Prng(hash32(this.seed, repayment._id, attempt)).float();
    // Quoted kinds wait more often, payoffs most (and again when asked again), so statements and
    // accruals land while they wait: each must still land as quoted.
    const waits =
      (repayment.payOffPlanIds ?? []).length > 0 ? 0.45 : repayment.kind === 'AMOUNT' ? 0.15 : 0.35;
    const result = roll < waits ? 'PENDING' : roll < waits + (1 - waits) * 0.8 ? 'SUCCEEDED' : 'FAILED';
    this.calls.push({
      op: 'collect',
      id: repayment._id,
      userId: repayment.userId,
      lineId: repayment.lineId,
      key: repayment.idempotencyKey,
      kind: repayment.kind,
      payOffPlanIds: [...(repayment.payOffPlanIds ?? [])],
      amountMinor: repayment.amountMinor,
      result,
    });
    return answer(result);
  }

  async disburse(payout: { payoutId: string; userId: string; amountMinor: number }): Promise<RailResult> {
    // A payout still PENDING is decided anew when asked again (the due jobs ask); an answer is final.
    const attempt = (this.asked.get(payout.payoutId) ?? 0) + 1;
    this.asked.set(payout.payoutId, attempt);
    const roll = new Prng(hash32(this.seed, 'payout', payout.payoutId, attempt)).float();
    const earlier = this.disbursed.get(payout.payoutId);
    const result =
      earlier && earlier !== 'PENDING'
        ? earlier
        : roll < 0.8
          ? 'SUCCEEDED'
          : roll < 0.92
            ? 'FAILED'
            : 'PENDING';
    this.disbursed.set(payout.payoutId, result);
    this.calls.push({
      op: 'disburse',
      id: payout.payoutId,
      userId: payout.userId,
      lineId: null,
      key: null,
      kind: null,
      payOffPlanIds: [],
      amountMinor: payout.amountMinor,
      result,
    });
    return answer(result);
  }
}

function answer(result: RailCall['result']): RailResult {
  return result === 'FAILED'
    ? { status: 'FAILED', reason: 'declined by the simulated bank' }
    : { status: result };
}

/** Runs one seed: random steps against the real services, each checked by the auditor. */
export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const { seed, steps } = options;
  const rng = new Prng(seed);
  const bank = new SimulatedBank(seed);
  const repos = options.repos ?? createRepositories(createMemoryDatabase());
  const w = await world(repos, bank);

  // Business time starts in 2030 on an ordinary day (not a statement day of any line), mid-morning.
  let now = cstMidnight(`2030-0${rng.int(1, 9)}-${String(rng.int(2, 27)).padStart(2, '0')}`) + 9 * 3_600_000;
  now += rng.int(0, 3_600_000);
  await w.at(new Date(now).toISOString());
  const opening = new CreditLineOpeningService(repos);
  for (const applicant of extraApplicants) {
    await repos.users.insertOnce({
      _id: applicant.userId,
      displayName: applicant.userId,
      phone: '13000000000',
      createdAt: new Date(now),
    });
    await opening.open(applicant.userId, applicant.inputs, applicant.statementDay, new Date(now));
  }
  const openings = [];
  for (const userId of users) {
    const line = await w.line(userId);
    openings.push({
      lineId: line._id,
      userId,
      statementDay: line.statementDay,
      tier: line.riskTier,
      limitMinor: line.limitMinor,
      status: line.status,
      openedOn: cstDate(line.createdAt.getTime()),
    });
  }
  const auditor = new Auditor(openings, demoProducts);
  const lineIds = openings.map((o) => o.lineId);
  const log: Exchange[] = [];
  const commands: Record<string, number> = {};
  const keys = new KeyBook(seed);

  /** What the repositories show for the lines a step may have touched (all of them after due jobs). */
  const observe = async (touched: string[] | 'all'): Promise<Observation> => {
    const lines = new Map<string, LineObservation>();
    for (const lineId of touched === 'all' ? lineIds : touched) {
      const [line, bills, plans] = await Promise.all([
        repos.creditLines.byId(lineId),
        repos.bills.ofLine(lineId),
        repos.installmentPlans.ofLine(lineId),
      ]);
      lines.set(lineId, { line: line!, bills, plans });
    }
    const orders =
      touched === 'all'
        ? [...(await repos.mallOrders.all()), ...(await repos.installmentOrders.all())]
        : [
            ...(await repos.mallOrders.findByIds(auditor.orderIdsOf(touched, 'MALL'))),
            ...(await repos.installmentOrders.findByIds(auditor.orderIdsOf(touched, 'INSTALLMENT'))),
          ];
    return { lines, orders, complete: touched === 'all' };
  };

  for (let index = 1; index <= steps; index += 1) {
    const request = nextRequest(rng, auditor, keys, now);
    if (request.kind === 'clock') now = Date.parse(request.to);
    bank.calls = [];
    let exchange: Exchange | undefined;
    try {
      const reply = await send(w, request);
      exchange = { index, at: now, request, reply, railCalls: bank.calls };
      log.push(exchange);
      const outcome = outcomeOf(reply);
      const tag = `${request.kind}:${outcome}`;
      commands[tag] = (commands[tag] ?? 0) + 1;
      // The lines this step may touch, known before the step moves the expected state.
      const touched = auditor.linesTouchedBy(request);
      auditor.step(exchange);
      auditor.compare(await observe(touched));
    } catch (error) {
      throw failure(options, index, request, exchange, log, error);
    }
  }
  try {
    auditor.compare(await observe('all'));
  } catch (error) {
    throw failure(options, steps, null, undefined, log, error);
  }
  return {
    seed,
    steps,
    commands,
    billsChecked: auditor.counts.billsChecked,
    counts: auditor.counts,
    log,
  };
}

/** Sends one request through the real services, as the resolvers would. */
async function send(w: World, request: SimRequest): Promise<SimReply> {
  switch (request.kind) {
    case 'checkout':
      return w.checkout(request.userId, request.store, request.items, {
        plan: request.plan,
        ...(request.periods !== undefined ? { periods: request.periods } : {}),
        key: request.key,
      });
    case 'ship':
      return w.ship(request.store, request.orderId, request.captureMinor);
    case 'cancel':
      return w.cancel(request.store, request.orderId);
    case 'refund':
      return w.refund(request.store, request.orderId, request.amountMinor, request.key);
    case 'repay':
      return w.repay(request.userId, {
        kind: request.repayKind,
        amountMinor: request.amountMinor,
        planId: request.planId,
        source: request.source,
        idempotencyKey: request.key,
      });
    case 'payOut':
      return w.payOut(request.userId, { amountMinor: request.amountMinor, idempotencyKey: request.key });
    case 'clock':
      await w.at(request.to);
      return { now: request.to };
    case 'runDueJobs':
      return w.runDueJobs();
  }
}

function outcomeOf(reply: SimReply): string {
  if ('userErrors' in reply) return reply.userErrors[0]?.code ?? 'ok';
  return 'ok';
}

/** Idempotency keys used so far, with the input each was sent with, to retry or reuse them. */
class KeyBook {
  private n = 0;
  readonly checkouts: Extract<SimRequest, { kind: 'checkout' }>[] = [];
  readonly refunds: Extract<SimRequest, { kind: 'refund' }>[] = [];
  readonly repays: Extract<SimRequest, { kind: 'repay' }>[] = [];
  readonly payouts: Extract<SimRequest, { kind: 'payOut' }>[] = [];

  constructor(private readonly seed: number) {}

  fresh(prefix: string): string {
    this.n += 1;
    return `${prefix}-${this.seed}-${String(this.n).padStart(5, '0')}`;
  }
}

function nextRequest(rng: Prng, auditor: Auditor, keys: KeyBook, now: number): SimRequest {
  const kind = rng.weighted([
    ['checkout', 24],
    ['ship', 14],
    ['cancel', 4],
    ['refund', 10],
    ['repay', 16],
    ['payOut', 4],
    ['clock', 16],
    ['runDueJobs', 12],
  ] as const);
  const userId = rng.weighted(users.map((u, i) => [u, userWeights[i]!] as const));
  const orders = [...auditor.orders.values()];
  switch (kind) {
    case 'checkout':
      return checkoutRequest(rng, keys, userId);
    case 'ship':
    case 'cancel': {
      const placed = orders.filter((o) => o.status === 'PLACED');
      const pool = placed.length > 0 && rng.chance(0.8) ? placed : orders;
      if (pool.length === 0) return checkoutRequest(rng, keys, userId);
      const order = rng.pick(pool);
      if (kind === 'cancel' || !rng.chance(0.25)) return { kind, store: order.store, orderId: order.orderId };
      // Part shipped: mostly a part of the hold, sometimes all of it or more than was held.
      const captureMinor = rng.weighted([
        [rng.int(1, order.totalMinor), 60],
        [rng.int(1, Math.min(order.totalMinor, 500)), 20],
        [order.totalMinor, 10],
        [order.totalMinor + rng.int(1, 500), 10],
      ]);
      return { kind, store: order.store, orderId: order.orderId, captureMinor };
    }
    case 'refund':
      return refundRequest(rng, keys, orders) ?? checkoutRequest(rng, keys, userId);
    case 'repay': {
      // Mostly someone who owes something: a repayment of nothing only tests one refusal.
      const owing = users.filter(
        (u) => auditor.owedOnBills(u) > 0 || auditor.line(u).plans.some((p) => p.status === 'ACTIVE'),
      );
      return repayRequest(
        rng,
        auditor,
        keys,
        owing.length > 0 && rng.chance(0.75) ? rng.pick(owing) : userId,
      );
    }
    case 'payOut':
      return payOutRequest(rng, auditor, keys, userId);
    case 'clock':
      return { kind: 'clock', to: new Date(nextInstant(rng, auditor, now)).toISOString() };
    case 'runDueJobs':
      return { kind: 'runDueJobs' };
  }
}

function checkoutRequest(rng: Prng, keys: KeyBook, userId: string): SimRequest {
  const mine = keys.checkouts.filter((c) => c.userId === userId);
  if (mine.length > 0 && rng.chance(0.12)) {
    const earlier = rng.pick(mine);
    // Same key: the same input (a retry) or another input (a client bug the API must refuse).
    return rng.chance(0.6) ? { ...earlier } : { ...freshCart(rng, userId), key: earlier.key };
  }
  const request = { ...freshCart(rng, userId), key: keys.fresh('ck') };
  keys.checkouts.push(request);
  return request;
}

function freshCart(rng: Prng, userId: string): Extract<SimRequest, { kind: 'checkout' }> {
  const mall = rng.chance(0.7);
  const catalog = mall ? mallProducts : storeProducts;
  const count = rng.chance(0.85) ? 1 : 2;
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(rng.pick(catalog)._id);
  const items = [...chosen].map((productId) => ({
    productId,
    quantity: rng.chance(0.8) ? 1 : rng.int(2, 3),
  }));
  // The mall sells both plans; the installment store refuses FULL (sent now and then on purpose).
  const full = mall ? rng.chance(0.6) : rng.chance(0.08);
  return {
    kind: 'checkout',
    userId,
    store: mall ? 'MALL' : 'INSTALLMENT',
    items,
    plan: full ? 'FULL' : 'INSTALLMENTS',
    ...(full ? {} : { periods: rng.pick(periodCounts) }),
    key: '',
  };
}

function refundRequest(rng: Prng, keys: KeyBook, orders: OrderModel[]): SimRequest | null {
  if (keys.refunds.length > 0 && rng.chance(0.1)) {
    const earlier = rng.pick(keys.refunds);
    return rng.chance(0.6)
      ? { ...earlier }
      : { ...earlier, amountMinor: earlier.amountMinor + rng.int(1, 500) };
  }
  const refundable = orders.filter((o) => o.status === 'SHIPPED' && o.refundedMinor < o.capturedMinor);
  const pool = refundable.length > 0 && rng.chance(0.9) ? refundable : orders;
  if (pool.length === 0) return null;
  const order = rng.pick(pool);
  const left = order.capturedMinor - order.refundedMinor;
  const amountMinor = rng.weighted([
    [Math.max(1, rng.int(1, Math.max(1, left))), 45],
    [Math.max(1, left), 25],
    [Math.max(1, Math.min(left, rng.int(1, 3_000))), 15],
    [left + rng.int(1, 5_000), 12],
    [0, 3],
  ]);
  const request: SimRequest = {
    kind: 'refund',
    store: order.store,
    orderId: order.orderId,
    amountMinor,
    key: keys.fresh('rf'),
  };
  keys.refunds.push(request);
  return request;
}

function repayRequest(rng: Prng, auditor: Auditor, keys: KeyBook, userId: string): SimRequest {
  const mine = keys.repays.filter((r) => r.userId === userId);
  if (mine.length > 0 && rng.chance(0.1)) {
    const earlier = rng.pick(mine);
    return rng.chance(0.6)
      ? { ...earlier }
      : { ...earlier, source: earlier.source === 'BANK_CARD' ? 'WALLET_BALANCE' : 'BANK_CARD' };
  }
  const repayKind = rng.weighted<RepayKind>([
    ['STATEMENT', 25],
    ['MINIMUM', 20],
    ['AMOUNT', 25],
    ['PAYOFF', 10],
    ['PLAN_PAYOFF', 20],
  ]);
  const request: Extract<SimRequest, { kind: 'repay' }> = {
    kind: 'repay',
    userId,
    repayKind,
    source: rng.chance(0.8) ? 'BANK_CARD' : 'WALLET_BALANCE',
    key: keys.fresh('rp'),
  };
  if (repayKind === 'AMOUNT') {
    const owed = auditor.owedOnBills(userId);
    // Up to what an AMOUNT can pay (billed, and purchases not billed yet), and now and then past it.
    const most = auditor.amountRepayable(userId);
    request.amountMinor = rng.weighted([
      [rng.int(1, 2_000), 30],
      [Math.max(1, owed), 20],
      [rng.int(1, Math.max(1, owed * 2 + 10_000)), 25],
      [Math.max(1, most), 10],
      [most + rng.int(1, 1_000), 10],
      [0, 5],
    ]);
  }
  if (repayKind === 'PLAN_PAYOFF') {
    const plans = auditor.planIds(userId);
    const active = plans.filter((p) => p.active);
    request.planId =
      active.length > 0 && rng.chance(0.8)
        ? rng.pick(active).planId
        : plans.length > 0 && rng.chance(0.7)
          ? rng.pick(plans).planId
          : (auditor.planIds(rng.pick(users)).at(0)?.planId ?? 'plan_unknown');
  }
  keys.repays.push(request);
  return request;
}

function payOutRequest(rng: Prng, auditor: Auditor, keys: KeyBook, userId: string): SimRequest {
  const mine = keys.payouts.filter((p) => p.userId === userId);
  if (mine.length > 0 && rng.chance(0.1)) {
    const earlier = rng.pick(mine);
    return rng.chance(0.6) ? { ...earlier } : { ...earlier, amountMinor: (earlier.amountMinor ?? 0) + 1 };
  }
  const balance = auditor.line(userId).creditBalanceMinor;
  const mode = rng.weighted([
    ['all', 50],
    ['part', 30],
    ['over', 20],
  ] as const);
  const request: Extract<SimRequest, { kind: 'payOut' }> = { kind: 'payOut', userId, key: keys.fresh('po') };
  if (mode === 'part') request.amountMinor = rng.int(1, Math.max(1, balance));
  if (mode === 'over') request.amountMinor = balance + rng.int(1, 1_000);
  keys.payouts.push(request);
  return request;
}

/**
 * The next business instant: 0-6 days on (minutes on the same day), sometimes 20-40 days to jump
 * over due days and statements, sometimes straight to a statement or due day. Times stay between
 * 08:00 and 23:00 CST so the system's few ms of wall time never cross midnight.
 */
function nextInstant(rng: Prng, auditor: Auditor, now: number): number {
  const today = cstDate(now);
  // On a due day, often 4-6 hours on the same day: a declined auto-debit is asked again then.
  if (auditor.isDueDay(today) && rng.chance(0.4)) {
    const later = now + rng.int(4 * 3_600_000, 6 * 3_600_000) + rng.int(0, 59_999);
    if (later < cstMidnight(today) + 23 * 3_600_000) return later;
  }
  const mode = rng.weighted([
    ['days', 70],
    ['jump', 15],
    ['date', 15],
  ] as const);
  let day: string;
  if (mode === 'days') day = addDays(today, rng.int(0, 6));
  else if (mode === 'jump') day = addDays(today, rng.int(20, 40));
  else day = rng.pick(auditor.upcomingDates(today).slice(0, 6).concat(addDays(today, 1)));
  if (day === today) {
    const later = now + rng.int(60_000, 3 * 3_600_000) + rng.int(0, 59_999);
    if (later < cstMidnight(today) + 23 * 3_600_000) return later;
    day = addDays(today, 1);
  }
  return cstMidnight(day) + 8 * 3_600_000 + rng.int(0, 4 * 3_600_000) + rng.int(0, 59_999);
}

function failure(
  options: SimulationOptions,
  index: number,
  /** Null: the comparison of every line and order after the last step. */
  request: SimRequest | null,
  exchange: Exchange | undefined,
  log: Exchange[],
  error: unknown,
): SimulationFailure {
  const replay = (options.replay ?? 'SIM_SEED={seed} SIM_STEPS={steps} npm run sim')
    .replace('{seed}', String(options.seed))
    .replace('{steps}', String(index));
  const lines = [
    `simulation seed ${options.seed}, step ${index} of ${options.steps}: ${
      error instanceof AuditFailure ? error.what : `the system threw: ${String(error)}`
    }`,
    `  step:     ${request ? json(request) : 'none: every line and order compared after the last step'}`,
  ];
  if (exchange) {
    lines.push(`  reply:    ${json(exchange.reply)}`);
    if (exchange.railCalls.length > 0) lines.push(`  rail:     ${json(exchange.railCalls)}`);
  }
  if (error instanceof AuditFailure) {
    lines.push(`  expected: ${json(error.expected)}`, `  actual:   ${json(error.actual)}`);
  } else if (error instanceof Error && error.stack) {
    lines.push(`  ${error.stack.split('\n').slice(0, 6).join('\n  ')}`);
  }
  lines.push('  steps before:');
  for (const earlier of log.slice(-12, exchange ? -1 : undefined)) {
    lines.push(
      `    ${earlier.index} @${new Date(earlier.at).toISOString()} ${json(earlier.request)} -> ${json(earlier.reply, 300)}`,
    );
  }
  lines.push(`  replay:   ${replay}`);
  return new SimulationFailure(lines.join('\n'), options.seed, index);
}

function json(value: unknown, max = 2_000): string {
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
