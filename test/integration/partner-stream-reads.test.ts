import type { CommandSucceededEvent } from 'mongodb';
import { PartnerCursorSeal } from '../../src/app/credit/bill-update-cursor';
import { type BillUpdateEvent, BillUpdatesService } from '../../src/app/credit/bill-updates.service';
import { LineWatch } from '../../src/app/credit/line-watch';
import { BindingService } from '../../src/app/wallets/binding.service';
import { ledgerNotices } from '../../src/ledger/ledger-notices';
import { connectDatabase } from '../../src/storage/database';
import {
  activePartnerUserKey,
  activeUserKey,
} from '../../src/storage/repositories/channel-binding.repository';
import { createRepositories, type Repositories } from '../../src/storage/repositories/repositories';
import type { ChannelBindingDoc } from '../../src/storage/models/channel-binding.model';
import type { ClockService } from '../../src/app/common/clock.service';
import { testDatabase } from '../support/test-database';
import { world } from '../support/world';

const partnerId = 'p_lakeside_wallet';
/** Users bound to the wallet besides Alice (no credit lines: nothing for them ever comes). */
const otherUsers = 40;

/**
 * An active binding whose consent covers bills and available credit (so purchases not billed yet
 * reach the partner too), as the approval of a binding request stores it.
 */
function billsBinding(
  _id: string,
  partner: string,
  userId: string,
  partnerUserId: string,
  grantedAt: Date,
  expiresAt: Date,
): ChannelBindingDoc {
  return {
    _id,
    userId,
    partnerId: partner,
    partnerUserId,
    status: 'ACTIVE',
    consent: { purpose: 'bill updates', fields: ['BILL_SUMMARY', 'AVAILABLE_CREDIT'], grantedAt, expiresAt },
    createdAt: grantedAt,
    activePartnerUserKey: activePartnerUserKey(partner, partnerUserId),
    activeUserKey: activeUserKey(partner, userId),
  };
}

/** The wallet partner as its stream's viewer. */
const walletViewer = { userId: partnerId, scopes: ['bindings'], partnerId };

/** Carol bound to the wallet as `lw-carol`, with consent to bills, from `grantedAt` to `expiresAt`. */
function carolForBills(_id: string, grantedAt: Date, expiresAt: Date): ChannelBindingDoc {
  return billsBinding(_id, partnerId, 'u_carol', 'lw-carol', grantedAt, expiresAt);
}

/** The streams' service over `repos`, its timer ticking every `pollMs`. */
function billUpdates(
  repos: Repositories,
  clock: ClockService,
  pollMs: number,
  bindingsPerRead = 500,
): BillUpdatesService {
  return new BillUpdatesService(
    repos,
    new LineWatch(repos, ledgerNotices, pollMs),
    clock,
    new PartnerCursorSeal('a test secret for cursors'),
    { batch: 100, bindingsPerRead },
  );
}

/** The first `count` updates of the wallet's stream resumed from `after`; then it is closed. */
async function resumedUpdates(
  service: BillUpdatesService,
  after: string,
  count: number,
): Promise<BillUpdateEvent[]> {
  const stream = await service.follow(walletViewer, after);
  try {
    const updates: BillUpdateEvent[] = [];
    while (updates.length < count) updates.push((await stream.next()).value!);
    return updates;
  } finally {
    await stream.return!();
  }
}

/** A connection whose find replies are counted: documents per reply, by collection. */
async function countedConnection(uri: string) {
  const db = await connectDatabase(uri, { monitorCommands: true });
  const docsRead = new Map<string, number[]>();
  db.connection.getClient().on('commandSucceeded', (event: CommandSucceededEvent) => {
    const cursor = (event.reply as { cursor?: { ns?: string; firstBatch?: unknown[] } }).cursor;
    if (event.commandName !== 'find' || !cursor?.ns) return;
    const collection = cursor.ns.slice(cursor.ns.indexOf('.') + 1);
    docsRead.set(collection, [...(docsRead.get(collection) ?? []), cursor.firstBatch?.length ?? 0]);
  });
  return { db, docsRead };
}

/**
 * A partner's bill-update stream follows every user bound to it. Each update of one user must not
 * cost a read of all the partner's bindings: only the binding of the line with news is read again
 * (a withdrawal still ends that user's updates before anything more of theirs is handed out). All the
 * bindings are read when the stream starts and on the timer's ticks (an hour apart here).
 */
describe("a partner's bill-update stream", () => {
  test('an update of one user reads that binding again, not all the partner has', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    const grantedAt = new Date('2027-02-01T00:00:00Z');
    for (let n = 0; n < otherUsers; n += 1) {
      await t.repos.channelBindings.insertOnce(
        billsBinding(
          `cb_other_${n}`,
          partnerId,
          `u_other_${n}`,
          `lw-other-${n}`,
          grantedAt,
          new Date('2028-01-01T00:00:00Z'),
        ),
      );
    }

    // The stream's own connection, whose every find reply is counted by collection.
    const { db, docsRead } = await countedConnection(t.uri);
    const bindingDocsRead = () => docsRead.get('channelBindings') ?? [];
    const service = billUpdates(createRepositories(db), w.clock(), 3_600_000);
    const stream = await service.follow(walletViewer, null);
    try {
      // Opening: the partner's active bindings, Alice's, Bob's (no consent to bills, so not followed)
      // and the 40 others.
      expect(bindingDocsRead()).toEqual([otherUsers + 2]);
      const first = stream.next();
      docsRead.clear();

      const purchases = 3;
      const kinds: string[] = [];
      for (let n = 0; n < purchases; n += 1) {
        await w.buy('u_alice', 'MALL', 'mall-tea-set', `partner-stream-reads-${n}`);
        const next = n === 0 ? await first : await stream.next();
        kinds.push(`${next.value!.partnerUserId} ${next.value!.kind}`);
      }
      expect(kinds).toEqual(Array(purchases).fill('lw-88231 PURCHASE_AUTHORIZED'));
      // Each purchase: Alice's binding by id (1 document), however many users the partner has;
      // reading every binding would be 42 a look.
      expect(bindingDocsRead().length).toBeGreaterThanOrEqual(purchases);
      expect(bindingDocsRead().every((docs) => docs === 1)).toBe(true);
    } finally {
      await stream.return!();
      await db.close();
    }
  });

  test('a partner with more bound users than one read holds is read a page at a time, and the last page is followed', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    const paged = 'p_paged_wallet';
    const grantedAt = new Date('2027-02-01T00:00:00Z');
    const expiresAt = new Date('2028-01-01T00:00:00Z');
    // 25 users without lines, then Alice, whose binding id sorts last.
    for (let n = 0; n < 25; n += 1) {
      const id = String(n).padStart(2, '0');
      await t.repos.channelBindings.insertOnce(
        billsBinding(`cb_p_${id}`, paged, `u_paged_${id}`, `pg-${id}`, grantedAt, expiresAt),
      );
    }
    await t.repos.channelBindings.insertOnce(
      billsBinding('cb_p_zz_alice', paged, 'u_alice', 'pg-alice', grantedAt, expiresAt),
    );
    const { db, docsRead } = await countedConnection(t.uri);
    const service = billUpdates(createRepositories(db), w.clock(), 3_600_000, 10);
    const stream = await service.follow({ userId: paged, scopes: ['bindings'], partnerId: paged }, null);
    try {
      // 26 bindings, 10 a read: 10, 10, 6; the lines' heads one read per page (only Alice has one).
      expect(docsRead.get('channelBindings')).toEqual([10, 10, 6]);
      expect(docsRead.get('creditLines')).toEqual([0, 0, 1]);
      const first = stream.next();
      await w.buy('u_alice', 'MALL', 'mall-tea-set', 'paged-partner');
      const update = (await first).value!;
      expect([update.partnerUserId, update.kind]).toEqual(['pg-alice', 'PURCHASE_AUTHORIZED']);
    } finally {
      await stream.return!();
      await db.close();
    }
  });

  test("a withdrawal ends that user's updates, not the stream: BINDING_ENDED, and the purchase after it never goes out", async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    await t.repos.channelBindings.insertOnce(
      carolForBills('cb_carol_bills', new Date('2027-03-01T01:00:00Z'), new Date('2027-06-01T00:00:00Z')),
    );
    // No tick for an hour: only the read of Alice's line can find the withdrawal.
    const service = billUpdates(t.repos, w.clock(), 3_600_000);
    const stream = await service.follow(walletViewer, null);
    try {
      const first = stream.next();
      await w.buy('u_alice', 'MALL', 'mall-tea-set', 'before-withdrawal');
      const before = (await first).value!;
      expect(before).toMatchObject({ partnerUserId: 'lw-88231', kind: 'PURCHASE_AUTHORIZED' });
      await w.at('2027-03-01T02:10:00Z');
      const withdrawn = await new BindingService(t.repos, w.clock()).withdrawConsent(
        { userId: 'u_alice', scopes: ['user'] },
        'cb_alice_lakeside',
      );
      expect(withdrawn.userErrors).toEqual([]);
      const next = stream.next();
      await w.at('2027-03-01T02:20:00Z');
      await w.buy('u_alice', 'MALL', 'mall-tea-set', 'after-withdrawal');
      // What says the binding ended, when (the withdrawal's time, not the purchase's), and nothing
      // of the purchase: no amount, no bill.
      const ended = (await next).value!;
      expect(ended).toMatchObject({
        kind: 'BINDING_ENDED',
        partnerUserId: 'lw-88231',
        endedBecause: 'BINDING_NOT_ACTIVE',
        availableAfterMinor: null,
        billAfter: null,
      });
      // The business clock runs on in real time from 02:10:00 until the withdrawal is written.
      const endedAfterMs = ended.occurredAt.getTime() - Date.parse('2027-03-01T02:10:00Z');
      expect(endedAfterMs).toBeGreaterThanOrEqual(0);
      expect(endedAfterMs).toBeLessThan(5_000);
      // The stream goes on with Carol.
      const afterEnd = stream.next();
      await w.buy('u_carol', 'MALL', 'mall-phone-topup-50', 'carol-after');
      expect((await afterEnd).value).toMatchObject({
        partnerUserId: 'lw-carol',
        kind: 'PURCHASE_AUTHORIZED',
      });
      // One record of what the partner was handed of Alice: the first purchase only.
      const reads = await t.repos.partnerAccess.accessPageOfUser('u_alice', { first: 10 });
      expect(reads.items.filter((read) => read.operation === 'billUpdated')).toHaveLength(1);
      // The ended update's cursor no longer names Alice; one from before it does: resumed from
      // there, the stream says her binding ended (when, as before) and replays Carol's purchase.
      // A later request she refused is a binding too, never followed: the end said is still the withdrawal.
      await t.repos.channelBindings.insertOnce({
        ...billsBinding(
          'cb_alice_refused',
          partnerId,
          'u_alice',
          'lw-88231',
          new Date('2027-03-01T02:30:00Z'),
          new Date('2027-06-01T00:00:00Z'),
        ),
        status: 'REJECTED',
        endedAt: new Date('2027-03-01T02:30:00Z'),
        activePartnerUserKey: 'ended:cb_alice_refused',
        activeUserKey: 'ended:cb_alice_refused',
      });
      const seal = new PartnerCursorSeal('a test secret for cursors');
      expect([...seal.open(partnerId, ended.cursor)!.keys()]).toEqual(['lw-carol']);
      expect([...seal.open(partnerId, before.cursor)!.keys()].sort()).toEqual(['lw-88231', 'lw-carol']);
      const [told, replayed] = await resumedUpdates(service, before.cursor, 2);
      expect(told).toMatchObject({
        kind: 'BINDING_ENDED',
        partnerUserId: 'lw-88231',
        endedBecause: 'BINDING_NOT_ACTIVE',
        occurredAt: ended.occurredAt,
      });
      expect([...seal.open(partnerId, told!.cursor)!.keys()]).toEqual(['lw-carol']);
      expect([replayed!.partnerUserId, replayed!.kind]).toEqual(['lw-carol', 'PURCHASE_AUTHORIZED']);
      // From the ended update's cursor: Carol's purchase, and nothing said of Alice again.
      const [fromEnd] = await resumedUpdates(service, ended.cursor, 1);
      expect([fromEnd!.partnerUserId, fromEnd!.kind]).toEqual(['lw-carol', 'PURCHASE_AUTHORIZED']);
    } finally {
      await stream.return!();
    }
  });

  test('a consent that runs out is found on a tick: BINDING_ENDED as of its end, and a rebind is followed from its grant', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    const expiresAt = new Date('2027-03-01T03:00:00Z');
    await t.repos.channelBindings.insertOnce(
      carolForBills('cb_carol_bills', new Date('2027-03-01T01:00:00Z'), expiresAt),
    );
    const service = billUpdates(t.repos, w.clock(), 100);
    const stream = await service.follow(walletViewer, null);
    try {
      // 03:30: her consent ended at 03:00; nothing of hers is written, so only a tick can find it.
      const next = stream.next();
      await w.at('2027-03-01T03:30:00Z');
      expect((await next).value).toMatchObject({
        kind: 'BINDING_ENDED',
        partnerUserId: 'lw-carol',
        endedBecause: 'CONSENT_EXPIRED',
        occurredAt: expiresAt,
      });
      // She consents again (the expired binding is ended first, as a new grant would): a purchase
      // after the new grant reaches the partner under the same partner user id.
      await t.repos.channelBindings.end('cb_carol_bills', 'EXPIRED', new Date('2027-03-01T03:40:00Z'));
      // Her purchase at 03:45 is written before a tick sees the new binding (granted 03:40, stored
      // after the purchase, as a late tick would find it): it goes out, from the grant.
      const again = stream.next();
      await w.at('2027-03-01T03:45:00Z');
      await w.buy('u_carol', 'MALL', 'mall-phone-topup-50', 'carol-after-rebind');
      await t.repos.channelBindings.insertOnce(
        carolForBills('cb_carol_bills_2', new Date('2027-03-01T03:40:00Z'), new Date('2027-06-01T00:00:00Z')),
      );
      expect((await again).value).toMatchObject({ partnerUserId: 'lw-carol', kind: 'PURCHASE_AUTHORIZED' });
    } finally {
      await stream.return!();
    }
  });

  test("a purchase after the consent ran out is not shown: the read finds the end, as of the consent's end", async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    const expiresAt = new Date('2027-03-01T03:00:00Z');
    await t.repos.channelBindings.insertOnce(
      carolForBills('cb_carol_bills', new Date('2027-03-01T01:00:00Z'), expiresAt),
    );
    // No tick for an hour: only the read of Carol's line can find the end.
    const service = billUpdates(t.repos, w.clock(), 3_600_000);
    const stream = await service.follow(walletViewer, null);
    try {
      const next = stream.next();
      await w.at('2027-03-01T03:30:00Z');
      await w.buy('u_carol', 'MALL', 'mall-phone-topup-50', 'carol-after-expiry');
      expect((await next).value).toMatchObject({
        kind: 'BINDING_ENDED',
        partnerUserId: 'lw-carol',
        endedBecause: 'CONSENT_EXPIRED',
        occurredAt: expiresAt,
      });
      const reads = await t.repos.partnerAccess.accessPageOfUser('u_carol', { first: 10 });
      expect(reads.items.filter((read) => read.operation === 'billUpdated')).toEqual([]);
    } finally {
      await stream.return!();
    }
  });

  test('two users whose bindings end together: each end has its own cursor, and the last one, naming nobody, resumes', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    await t.repos.channelBindings.insertOnce(
      carolForBills('cb_carol_bills', new Date('2027-03-01T01:00:00Z'), new Date('2027-06-01T00:00:00Z')),
    );
    const service = billUpdates(t.repos, w.clock(), 100);
    const stream = await service.follow(walletViewer, null);
    const seal = new PartnerCursorSeal('a test secret for cursors');
    try {
      const first = stream.next();
      // Both withdrawn at 02:10 by hand, between two ticks: one tick finds both.
      await w.at('2027-03-01T02:10:00Z');
      const at = new Date('2027-03-01T02:10:00Z');
      await t.repos.channelBindings.end('cb_alice_lakeside', 'WITHDRAWN', at);
      await t.repos.channelBindings.end('cb_carol_bills', 'WITHDRAWN', at);
      const one = (await first).value!;
      const two = (await stream.next()).value!;
      expect([one, two].map((end) => [end.kind, end.endedBecause, end.occurredAt])).toEqual([
        ['BINDING_ENDED', 'BINDING_NOT_ACTIVE', at],
        ['BINDING_ENDED', 'BINDING_NOT_ACTIVE', at],
      ]);
      // The first end's cursor still holds the user told of second; the second's holds nobody.
      expect([...seal.open(partnerId, one.cursor)!.keys()]).toEqual([two.partnerUserId]);
      expect(seal.open(partnerId, two.cursor)!.size).toBe(0);
      // Resumed from the first: the second end is said again (nothing missed).
      const [fromFirst] = await resumedUpdates(service, one.cursor, 1);
      expect(fromFirst).toMatchObject({ kind: 'BINDING_ENDED', partnerUserId: two.partnerUserId });
      // Resumed from the second (nobody followed): a user who binds later is followed all the same.
      const fromLast = await service.follow(walletViewer, two.cursor);
      try {
        const next = fromLast.next();
        await t.repos.channelBindings.insertOnce(
          billsBinding(
            'cb_alice_again',
            partnerId,
            'u_alice',
            'lw-88231',
            new Date('2027-03-01T02:20:00Z'),
            new Date('2027-06-01T00:00:00Z'),
          ),
        );
        await w.at('2027-03-01T02:25:00Z');
        await new Promise((resolve) => setTimeout(resolve, 300)); // a tick or two: the binding joins
        await w.buy('u_alice', 'MALL', 'mall-tea-set', 'alice-again');
        expect((await next).value).toMatchObject({ partnerUserId: 'lw-88231', kind: 'PURCHASE_AUTHORIZED' });
      } finally {
        await fromLast.return!();
      }
    } finally {
      await stream.return!();
    }
  });

  test('a user who binds while the stream runs is followed from the grant, not from when the stream saw it', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2027-03-01T02:00:00Z');
    const telecom = 'p_skyline_telecom';
    // Ticks every 100 ms: that is when a running stream looks for new bindings.
    const service = billUpdates(t.repos, w.clock(), 100);
    // Skyline follows nobody yet (Alice's consent lacks bills, Bob's expired).
    const stream = await service.follow({ userId: telecom, scopes: ['bindings'], partnerId: telecom }, null);
    try {
      const first = stream.next();
      // Carol consents at 02:00; her purchase at 02:05 comes before the stream's next tick sees the
      // binding (stored here after the purchase, as a tick that comes late would find it).
      const grantedAt = new Date('2027-03-01T02:00:00Z');
      await w.at('2027-03-01T02:05:00Z');
      await w.buy('u_carol', 'MALL', 'mall-phone-topup-50', 'carol-before-the-tick');
      await t.repos.channelBindings.insertOnce(
        billsBinding(
          'cb_carol_skyline',
          telecom,
          'u_carol',
          'sk-carol-1',
          grantedAt,
          new Date('2027-04-01T00:00:00Z'),
        ),
      );
      // Her history before the grant (the line's opening) stays out; the purchase goes out.
      const update = (await first).value!;
      expect([update.partnerUserId, update.kind]).toEqual(['sk-carol-1', 'PURCHASE_AUTHORIZED']);
    } finally {
      await stream.return!();
    }
  });
});
