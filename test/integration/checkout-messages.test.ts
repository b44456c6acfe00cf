import { connectDatabase } from '../../src/storage/database';
import { createRepositories } from '../../src/storage/repositories/repositories';
import { testDatabase } from '../support/test-database';
import { startWireCounter } from '../../src/storage/wire-counter';
import { world } from '../support/world';

/**
 * Database messages per operation, counted on the MongoDB wire between the services and the engine
 * (the budget of issue 6: a checkout is at most 6). The world runs over a connection through the
 * counter; seeding goes through the direct one.
 */
describe('database messages per operation, on the wire', () => {
  test('a checkout costs at most 6 messages: clock, products, line, entry insert, line projection, order insert', async () => {
    await using t = await testDatabase();
    await world(t.repos);
    const counter = await startWireCounter(t.uri);
    const db = await connectDatabase(counter.uri);
    try {
      const w = await world(createRepositories(db));
      await w.at('2030-03-01T02:00:00Z');
      await w.buy('u_alice', 'MALL', 'mall-earbuds', 'wire-warmup-01'); // connection set-up
      const measured: Record<string, string[]> = {};

      counter.reset();
      const order = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'wire-checkout-1');
      measured.checkout = counter.commands();

      counter.reset();
      await w.buy('u_alice', 'MALL', 'mall-tea-set', 'wire-checkout-1');
      measured['checkout retry (replayed)'] = counter.commands();

      counter.reset();
      const refused = await w.checkout(
        'u_alice',
        'MALL',
        [{ productId: 'mall-gift-card-100', quantity: 1 }],
        {
          key: 'wire-refused-01',
        },
      );
      measured['checkout refused'] = counter.commands();
      expect(refused.userErrors[0]!.code).toBe('CATEGORY_BLOCKED');

      counter.reset();
      await w.ship('MALL', order._id);
      measured.ship = counter.commands();

      counter.reset();
      await w.repay('u_alice', {
        kind: 'AMOUNT',
        amountMinor: 10_000,
        source: 'BANK_CARD',
        idempotencyKey: 'wire-repay-01',
      });
      measured.repay = counter.commands();

      console.log(
        Object.entries(measured)
          .map(([name, commands]) => `${name.padEnd(26)} ${commands.length} messages: ${commands.join(', ')}`)
          .join('\n'),
      );
      expect(measured.checkout).toEqual(['find', 'find', 'find', 'insert', 'update', 'insert']);
      expect(measured['checkout refused']!.length).toBeLessThanOrEqual(5);
    } finally {
      await db.close();
      await counter.close();
    }
  });
});
