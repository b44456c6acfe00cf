/**
 * A separate OS process that places checkouts (from the built dist/), so a test can race several
 * processes against one credit line the way several subgraph replicas would.
 * argv: <databaseUri> <userId> <keyPrefix> <count>; prints one JSON line with the results.
 */
require('reflect-metadata');
const { connectDatabase } = require('../../dist/storage/database');
const { createRepositories } = require('../../dist/storage/repositories/repositories');
const { CheckoutService } = require('../../dist/app/orders/checkout.service');
const { ClockService } = require('../../dist/app/common/clock.service');
const { LedgerWriter } = require('../../dist/ledger/ledger-writer');

async function main() {
  const [databaseUri, userId, keyPrefix, count] = process.argv.slice(2);
  const db = await connectDatabase(databaseUri);
  const repos = createRepositories(db);
  const viewer = { userId, scopes: ['user'] };
  const ledger = new LedgerWriter(repos);
  const results = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      new CheckoutService(
        'MALL',
        repos,
        repos.mallOrders,
        new ClockService(repos.clock, 'local'),
        ledger,
      ).checkout(viewer, {
        items: [{ productId: 'mall-rice-cooker', quantity: 2 }],
        plan: 'FULL',
        idempotencyKey: `${keyPrefix}-${String(i).padStart(3, '0')}`,
      }),
    ),
  );
  process.stdout.write(
    `${JSON.stringify(results.map((r) => ({ orderId: r.order?._id ?? null, authorizationId: r.order?.authorizationId ?? null, codes: r.userErrors.map((e) => e.code) })))}\n`,
  );
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
