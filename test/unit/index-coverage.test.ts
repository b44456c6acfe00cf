import type { Schema } from 'mongoose';
import { applyCommand } from '../../src/core/ledger/apply';
import type { LineState } from '../../src/core/ledger/line-state';
import type { Models } from '../../src/storage/database';
import { createMemoryDatabase } from '../../src/storage/memory/memory-database';
import type { ObservedQuery } from '../../src/storage/memory/memory-model';
import { createRepositories, type Repositories } from '../../src/storage/repositories/repositories';

/**
 * Every query a repository sends must be served by an index its model declares (or by `_id`), and
 * every read of many documents must carry a limit unless it is listed below with its reason. Each
 * repository method is called once here through the in-memory engine, which reports the queries; a
 * method this table does not call fails the test, so a new query cannot slip in without an index.
 */
const anyDoc = { _id: 'x_1', sequence: 1, userId: 'u_1', lineId: 'cl_1' } as never;
const page = { first: 5, afterId: 'zzz' };
/** A freshly opened line, as the core makes it. */
const opened = applyCommand(
  null,
  { type: 'OPEN', limitMinor: 100_000, statementDay: 5 },
  new Date('2030-01-01'),
);
const lineState: LineState = opened.ok ? opened.state : (undefined as never);

const calls: Record<string, (r: Repositories) => Promise<unknown>> = {
  'users.findByIds': (r) => r.users.findByIds(['u_1', 'u_2']),
  'users.insertOnce': (r) => r.users.insertOnce(anyDoc),
  'creditLines.findByIds': (r) => r.creditLines.findByIds(['cl_1', 'cl_2']),
  'creditLines.byId': (r) => r.creditLines.byId('cl_1'),
  'creditLines.findByUserIds': (r) => r.creditLines.findByUserIds(['u_1', 'u_2']),
  'creditLines.project': (r) => r.creditLines.project('cl_1', 3, lineState),
  'creditLines.overwrite': (r) => r.creditLines.overwrite(anyDoc),
  'creditLines.pageOfStatus': (r) => r.creditLines.pageOfStatus('ACTIVE', 'cl_1', 200),
  'creditLines.insertOnce': (r) => r.creditLines.insertOnce(anyDoc),
  'products.listByStore': (r) => r.products.listByStore('MALL', 20),
  'products.findByIds': (r) => r.products.findByIds(['p_1', 'p_2']),
  'products.insertOnce': (r) => r.products.insertOnce(anyDoc),
  'mallOrders.findByIds': (r) => r.mallOrders.findByIds(['o_1', 'o_2']),
  'mallOrders.pageByUsers': (r) => r.mallOrders.pageByUsers(['u_1', 'u_2'], page),
  'mallOrders.byIdempotencyKey': (r) => r.mallOrders.byIdempotencyKey('u_1:key'),
  'partnerPayments.pageOfPartner': (r) => r.partnerPayments.pageOfPartner('pt_1', page),
  'mallOrders.all': (r) => r.mallOrders.all(),
  'mallOrders.placedBefore': (r) => r.mallOrders.placedBefore(new Date(), 50),
  'mallOrders.setPayment': (r) => r.mallOrders.setPayment('o_1', { status: 'SHIPPED' }),
  'mallOrders.insertOnce': (r) => r.mallOrders.insertOnce(anyDoc),
  'partners.findByIds': (r) => r.partners.findByIds(['pt_1', 'pt_2']),
  'partners.insertOnce': (r) => r.partners.insertOnce(anyDoc),
  'channelBindings.findByUserIds': (r) => r.channelBindings.findByUserIds(['u_1', 'u_2']),
  'channelBindings.findByIds': (r) => r.channelBindings.findByIds(['b_1', 'b_2']),
  'channelBindings.activeOf': (r) => r.channelBindings.activeOf('pt_1', 'pu_1'),
  'channelBindings.ofPartnerUsers': (r) => r.channelBindings.ofPartnerUsers('pt_1', ['pu_1', 'pu_2']),
  'channelBindings.activeOfUser': (r) => r.channelBindings.activeOfUser('pt_1', 'u_1'),
  'channelBindings.activePageOfPartner': (r) => r.channelBindings.activePageOfPartner('pt_1', 'b_1', 500),
  'channelBindings.insertOnce': (r) => r.channelBindings.insertOnce(anyDoc),
  'channelBindings.end': (r) => r.channelBindings.end('b_1', 'WITHDRAWN', new Date()),
  'ledger.entry': (r) => r.ledger.entry('cl_1', 2),
  'ledger.after': (r) => r.ledger.after('cl_1', 2),
  'ledger.byIdempotencyKey': (r) => r.ledger.byIdempotencyKey('cl_1:key'),
  'ledger.append': (r) => r.ledger.append(anyDoc),
  'ledger.page': (r) => r.ledger.page('cl_1', page),
  'ledger.all': (r) => r.ledger.all('cl_1'),
  'installmentPlans.byId': (r) => r.installmentPlans.byId('ip_1'),
  'installmentPlans.findByOrderIds': (r) => r.installmentPlans.findByOrderIds(['o_1', 'o_2']),
  'installmentPlans.ofLine': (r) => r.installmentPlans.ofLine('cl_1'),
  'installmentPlans.project': (r) => r.installmentPlans.project(anyDoc),
  'refunds.byIdempotencyKey': (r) => r.refunds.byIdempotencyKey('o_1:key'),
  'refunds.last': (r) => r.refunds.last('o_1'),
  'refunds.ofOrder': (r) => r.refunds.ofOrder('o_1'),
  'refunds.setFeeWrittenOff': (r) => r.refunds.setFeeWrittenOff('rf_1', 10),
  'refunds.insertOnce': (r) => r.refunds.insertOnce(anyDoc),
  'clock.offsetMs': (r) => r.clock.offsetMs(),
  'clock.setOffsetMs': (r) => r.clock.setOffsetMs(1_000),
  'bills.dueOn': (r) => r.bills.dueOn('2030-01-14', 'b_1', 200),
  'bills.byId': (r) => r.bills.byId('bl_1'),
  'bills.ofLine': (r) => r.bills.ofLine('cl_1'),
  'bills.pageOfUser': (r) => r.bills.pageOfUser('u_1', page),
  'bills.project': (r) => r.bills.project(anyDoc),
  'repayments.byId': (r) => r.repayments.byId('rp_1'),
  'repayments.initiated': (r) => r.repayments.initiated(50),
  'payouts.byId': (r) => r.payouts.byId('u_1:key'),
  'payouts.insertOnce': (r) => r.payouts.insertOnce(anyDoc),
  'payouts.askAgain': (r) => r.payouts.askAgain(anyDoc),
  'payouts.inFlightOfLine': (r) => r.payouts.inFlightOfLine('cl_1', 20),
  'payouts.untriedSince': (r) => r.payouts.untriedSince(new Date(), 50),
  'payouts.tried': (r) => r.payouts.tried({ _id: 'u_1:key', attempt: 1 }, new Date()),
  'payouts.debited': (r) => r.payouts.debited({ _id: 'u_1:key', attempt: 1 }, 100),
  'payouts.finish': (r) =>
    r.payouts.finish({ _id: 'u_1:key', attempt: 1 }, { status: 'PAID', amountMinor: 100 }),
  'repayments.inFlightOfLine': (r) => r.repayments.inFlightOfLine('cl_1', 20),
  'repayments.insertOnce': (r) => r.repayments.insertOnce(anyDoc),
  'repayments.setStatus': (r) => r.repayments.setStatus('rp_1', 'SUCCEEDED', null),
  'notifications.record': (r) => r.notifications.record(anyDoc),
  'notifications.unsent': (r) => r.notifications.unsent(50),
  'notifications.ofUser': (r) => r.notifications.ofUser('u_1'),
  'notifications.markSent': (r) => r.notifications.markSent('n_1', new Date()),
  'notifications.claim': (r) => r.notifications.claim('n_1', 5, new Date()),
  'notifications.release': (r) => r.notifications.release('n_1', 5),
  'notifications.byId': (r) => r.notifications.byId('n_1'),
  'notifications.forgetClaims': (r) => r.notifications.forgetClaims('n_1'),
  'repaymentAskClaims.hold': async (r) => (await r.repaymentAskClaims.hold('cl_1', () => 0, 0))?.release(),
  'partnerAccess.insertBindingRequest': (r) => r.partnerAccess.insertBindingRequest(anyDoc),
  'partnerAccess.bindingRequest': (r) => r.partnerAccess.bindingRequest('hash'),
  'partnerAccess.insertPaymentCode': (r) => r.partnerAccess.insertPaymentCode(anyDoc),
  'partnerAccess.paymentCode': (r) => r.partnerAccess.paymentCode('hash'),
  'partnerAccess.recordAccess': (r) => r.partnerAccess.recordAccess([anyDoc]),
  'partnerAccess.accessPageOfUser': (r) => r.partnerAccess.accessPageOfUser('u_1', page),
  'partnerAccess.sweepExpired': (r) => r.partnerAccess.sweepExpired(new Date()),
};

/**
 * Reads of many documents without a limit, each with why that is bounded or meant. Everything else
 * that can return more than one document must put its page size in the query.
 */
const unlimitedReads: Record<string, string> = {
  'mallOrders.all': 'rebuild: reads every order by design',
  'ledger.all': "rebuild and audit: one line's whole ledger by design",
  'users.findByIds': 'at most one document per id asked for (_id)',
  'creditLines.findByIds': 'at most one document per id asked for (_id)',
  'creditLines.findByUserIds': 'unique userId: at most one line per user asked for',
  'products.findByIds': 'at most one document per id asked for (_id)',
  'mallOrders.findByIds': 'at most one document per id asked for (_id)',
  'partners.findByIds': 'at most one document per id asked for (_id)',
  'channelBindings.findByIds': 'at most one document per id asked for (_id)',
  'installmentPlans.findByOrderIds': 'unique orderId: at most one plan per order asked for',
  'channelBindings.findByUserIds': "a user's bindings: one per partner bound, ever (not paged)",
  'channelBindings.ofPartnerUsers':
    'the bindings one partner ever had with the users its cursor names (asked 500 users at a time)',
  'installmentPlans.ofLine': "rebuild and audit: a line's every plan by design",
  'refunds.ofOrder': "rebuild: an order's every refund by design (bounded by what was captured)",
  'bills.ofLine': "rebuild and audit: a line's every bill by design (one a month)",
  'notifications.ofUser': "tests and audit only: a user's every notification",
  'notifications.claim': 'the two neighbouring claim windows by _id: at most two documents',
  'repaymentAskClaims.hold': 'the two neighbouring claim windows by _id: at most two documents',
};

type IndexKey = [field: string, direction: 1 | -1];

function declaredIndexes(schema: Schema): IndexKey[][] {
  return [
    [['_id', 1]],
    ...schema
      .indexes()
      .map(([keys]) => Object.entries(keys).map(([f, d]) => [f, d === -1 ? -1 : 1] as IndexKey)),
  ];
}

const rangeOperators = new Set(['$lt', '$lte', '$gt', '$gte']);
const equalityOperators = new Set(['$eq', '$in']);

/**
 * Equality fields (a value, null, `$eq`, `$in`), range fields (`$lt`/`$lte`/`$gt`/`$gte`) and any
 * other condition (`$ne`, `$exists`, `$regex`...), which no index is counted as serving.
 */
function filterShape(filter: Record<string, unknown>): {
  equality: string[];
  range: string[];
  other: string[];
} {
  const shape = { equality: [] as string[], range: [] as string[], other: [] as string[] };
  for (const [field, value] of Object.entries(filter)) {
    const operators =
      value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)
        ? Object.keys(value)
        : [];
    if (field.startsWith('$')) shape.other.push(field);
    else if (operators.length === 0 || operators.every((op) => equalityOperators.has(op)))
      shape.equality.push(field);
    else if (operators.every((op) => rangeOperators.has(op))) shape.range.push(field);
    else shape.other.push(field);
  }
  return shape;
}

/**
 * Whether an index serves a query: its leading keys are the equality fields, then the sort keys in
 * order (all in the index's direction or all reversed), with a range field among the sort keys or
 * (one, without a sort) right after the equality prefix. `_id` equality is a point read.
 */
function serves(index: IndexKey[], query: ObservedQuery): boolean {
  const { equality, range, other } = filterShape(query.filter);
  if (other.length > 0) return false;
  if (equality.includes('_id')) return true;
  const prefix = index.slice(0, equality.length).map(([field]) => field);
  if (prefix.length !== equality.length || !equality.every((field) => prefix.includes(field))) return false;
  const rest = index.slice(equality.length);
  if (query.order.length > 0) {
    if (query.order.length > rest.length) return false;
    const flips = query.order.map(([field, direction], i) =>
      rest[i]![0] === field ? rest[i]![1] * direction : 0,
    );
    if (flips.some((flip) => flip === 0) || new Set(flips).size > 1) return false;
    const sorted = query.order.map(([field]) => field);
    return range.every((field) => sorted.includes(field));
  }
  return range.length === 0 || (range.length === 1 && rest[0]?.[0] === range[0]);
}

describe('repository queries and the indexes that serve them', () => {
  test('every repository method is exercised here', () => {
    const repos = createRepositories(createMemoryDatabase());
    const missing: string[] = [];
    const byClass = new Map<object, string[]>();
    for (const [key, repo] of Object.entries(repos)) {
      const proto = Object.getPrototypeOf(repo) as object;
      byClass.set(proto, [...(byClass.get(proto) ?? []), key]);
    }
    for (const [proto, keys] of byClass) {
      for (const method of Object.getOwnPropertyNames(proto).filter((name) => name !== 'constructor')) {
        if (!keys.some((key) => `${key}.${method}` in calls)) missing.push(`${keys[0]}.${method}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every query has an index that serves it, and every unlimited read of many documents is listed with its reason', async () => {
    const seen: ObservedQuery[] = [];
    const db = createMemoryDatabase({ observer: (query) => seen.push(query) });
    const repos = createRepositories(db);
    const schemas = new Map<string, Schema>(
      Object.values(db.models as Models).map((model) => [
        (model.schema.get('collection') as string | undefined) ?? '',
        model.schema,
      ]),
    );
    const unserved: string[] = [];
    const unlimited: string[] = [];
    const readUnlimited = new Set<string>();
    for (const [name, call] of Object.entries(calls)) {
      seen.length = 0;
      await call(repos);
      for (const query of seen) {
        const indexes = declaredIndexes(schemas.get(query.collection)!);
        const described = `${name}: ${query.collection} ${JSON.stringify(query.filter)} sort ${JSON.stringify(query.order)}`;
        if (!indexes.some((index) => serves(index, query))) unserved.push(described);
        // One `_id` value reads at most one document; `_id: {$in: [...]}` reads many.
        const id = query.filter._id;
        const pointRead = typeof id === 'string' || (id !== null && typeof id === 'object' && '$eq' in id);
        const many = query.kind === 'read' && query.limit === 0 && !pointRead;
        if (many) readUnlimited.add(name);
        if (many && !(name in unlimitedReads)) unlimited.push(described);
      }
    }
    expect(unserved).toEqual([]);
    expect(unlimited).toEqual([]);
    // The list names only methods that still read without a limit.
    const stale = Object.keys(unlimitedReads).filter((name) => !readUnlimited.has(name));
    expect(stale).toEqual([]);
  });

  test('the rule itself: a query without a matching index is caught', () => {
    const query = (filter: Record<string, unknown>, order: [string, 1 | -1][] = []): ObservedQuery => ({
      collection: 'x',
      kind: 'read',
      filter,
      order,
      limit: 10,
    });
    const userPage: IndexKey[] = [
      ['userId', 1],
      ['_id', -1],
    ];
    expect(serves(userPage, query({ userId: 'u', _id: { $lt: 'z' } }, [['_id', -1]]))).toBe(true);
    expect(serves(userPage, query({ userId: 'u' }, [['_id', 1]]))).toBe(true); // reversed scan
    expect(serves(userPage, query({ status: 'X' }, [['_id', -1]]))).toBe(false);
    expect(serves(userPage, query({ userId: 'u' }, [['createdAt', -1]]))).toBe(false);
    expect(
      serves(
        [
          ['lineId', 1],
          ['sequence', 1],
        ],
        query({ lineId: 'l' }, [['_id', -1]]),
      ),
    ).toBe(false);
    expect(serves([['_id', 1]], query({ _id: 'a', status: 'B' }))).toBe(true);
    // Conditions no index is counted as serving, and two ranges with one usable.
    expect(serves([['_id', 1]], query({ _id: { $ne: 'a' } }))).toBe(false);
    expect(serves([['status', 1]], query({ status: { $exists: false } }))).toBe(false);
    expect(serves([['status', 1]], query({ $or: [{ status: 'A' }] }))).toBe(false);
    expect(serves([['status', 1]], query({ status: { $in: ['A', 'B'] } }))).toBe(true);
    const byTime: IndexKey[] = [
      ['at', 1],
      ['n', 1],
    ];
    expect(serves(byTime, query({ at: { $gt: 1 }, n: { $lt: 3 } }))).toBe(false);
  });
});
