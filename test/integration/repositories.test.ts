import {
  activePartnerUserKey,
  activeUserKey,
} from '../../src/storage/repositories/channel-binding.repository';
import { isDuplicateKey } from '../../src/storage/database';
import { placedOrder } from '../support/orders';
import { testDatabase } from '../support/test-database';

describe('repositories on the real engine', () => {
  test('insertOnce inserts a key once, even when 16 writers race for it', async () => {
    await using t = await testDatabase();
    const user = { _id: 'u_race', displayName: 'Race', phone: '13800000000', createdAt: new Date() };
    const results = await Promise.all(Array.from({ length: 16 }, () => t.repos.users.insertOnce(user)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await t.repos.users.findByIds(['u_race'])).toEqual([user]);
  });

  test('one active binding per partner account and per user, decided by the insert; ending frees both', async () => {
    await using t = await testDatabase();
    const binding = (id: string, userId: string, partnerUserId: string) => ({
      _id: id,
      userId,
      partnerId: 'p_wallet',
      partnerUserId,
      status: 'ACTIVE' as const,
      consent: { purpose: 'pay', fields: ['PHONE'], grantedAt: new Date(), expiresAt: new Date() },
      createdAt: new Date(),
      activePartnerUserKey: activePartnerUserKey('p_wallet', partnerUserId),
      activeUserKey: activeUserKey('p_wallet', userId),
    });
    expect(await t.repos.channelBindings.insertOnce(binding('cb_1', 'u_a', 'acct-1'))).toBe(true);
    // The same partner account for another user, and another account for the same user: both refused.
    expect(await t.repos.channelBindings.insertOnce(binding('cb_2', 'u_b', 'acct-1'))).toBe(false);
    expect(await t.repos.channelBindings.insertOnce(binding('cb_3', 'u_a', 'acct-2'))).toBe(false);
    const direct = await t.db.models.channelBindings
      .create(binding('cb_4', 'u_c', 'acct-1'))
      .catch((error: unknown) => error);
    expect(isDuplicateKey(direct)).toBe(true);
    expect((await t.repos.channelBindings.activeOf('p_wallet', 'acct-1'))?._id).toBe('cb_1');
    expect(await t.repos.channelBindings.end('cb_1', 'WITHDRAWN', new Date())).toBe(true);
    expect(await t.repos.channelBindings.end('cb_1', 'WITHDRAWN', new Date())).toBe(false);
    expect(await t.repos.channelBindings.activeOf('p_wallet', 'acct-1')).toBeNull();
    expect(await t.repos.channelBindings.insertOnce(binding('cb_5', 'u_b', 'acct-1'))).toBe(true);
  });

  test('order pages are newest first, per user, and resume after a cursor', async () => {
    await using t = await testDatabase();
    const base = Date.parse('2026-03-01T00:00:00Z');
    const orders = [
      ...Array.from({ length: 5 }, (_, i) => placedOrder('u_a', new Date(base + i * 60_000), i + 1)),
      ...Array.from({ length: 2 }, (_, i) => placedOrder('u_b', new Date(base + i * 60_000), i + 1)),
    ];
    for (const doc of orders) await t.repos.mallOrders.insertOnce(doc);
    const aNewestFirst = orders
      .filter((o) => o.userId === 'u_a')
      .reverse()
      .map((o) => o._id);

    const first = await t.repos.mallOrders.pageByUsers(['u_a', 'u_b', 'u_none'], { first: 2 });
    expect(first.get('u_a')!.items.map((o) => o._id)).toEqual(aNewestFirst.slice(0, 2));
    expect(first.get('u_a')!.hasNextPage).toBe(true);
    expect(first.get('u_b')!.items).toHaveLength(2);
    expect(first.get('u_b')!.hasNextPage).toBe(false);
    expect(first.get('u_none')).toEqual({ items: [], hasNextPage: false });

    const second = await t.repos.mallOrders.pageByUsers(['u_a'], { first: 2, afterId: aNewestFirst[1] });
    expect(second.get('u_a')!.items.map((o) => o._id)).toEqual(aNewestFirst.slice(2, 4));
    const last = await t.repos.mallOrders.pageByUsers(['u_a'], { first: 2, afterId: aNewestFirst[3] });
    expect(last.get('u_a')).toEqual({
      items: [expect.objectContaining({ _id: aNewestFirst[4] })],
      hasNextPage: false,
    });
  });
});
