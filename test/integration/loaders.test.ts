import { ClockService } from '../../src/app/common/clock.service';
import { ordersPageLoader } from '../../src/app/orders/orders-loader';
import { StoreService } from '../../src/app/orders/store.service';
import { WalletService } from '../../src/app/wallets/wallet.service';
import { seedDemoData } from '../../src/seed/seed';
import { testDatabase } from '../support/test-database';

describe('DataLoader keeps database round trips constant', () => {
  // One batch: the repository then reads one bounded page per user (bench:reads counts the
  // account home's database messages on the wire).
  test('order pages of 25 users are asked of the repository in one batch', async () => {
    await using t = await testDatabase();
    const spy = jest.spyOn(t.repos.mallOrders, 'pageByUsers');
    const loader = ordersPageLoader(t.repos.mallOrders);
    const pages = await Promise.all(
      Array.from({ length: 25 }, (_, i) => loader.load({ userId: `u_${i}`, page: { first: 5 } })),
    );
    expect(pages).toHaveLength(25);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test('partners of many bindings cost one query', async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const spy = jest.spyOn(t.repos.partners, 'findByIds');
    const wallets = new WalletService(t.repos, new ClockService(t.repos.clock, 'local'));
    const partners = await Promise.all(
      Array.from({ length: 10 }, () => wallets.partner('p_lakeside_wallet')),
    );
    expect(new Set(partners.map((p) => p.name))).toEqual(new Set(['Lakeside Wallet']));
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test("another user's orders are refused with FORBIDDEN, without a token with UNAUTHENTICATED", async () => {
    await using t = await testDatabase();
    await seedDemoData(t.repos);
    const store = new StoreService('MALL', t.repos, t.repos.mallOrders);
    const bob = { userId: 'u_bob', scopes: [] };
    await expect(store.ordersOfUser(bob, 'u_alice', 5, null)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(store.ordersOfUser(undefined, 'u_alice', 5, null)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect((await store.listProducts(10)).every((p) => p.store === 'MALL')).toBe(true);
  });
});
