import { requestHash } from '../../src/ledger/request-hash';
import { testDatabase } from '../support/test-database';
import { world } from '../support/world';

/** Shipping part of an order: the store captures what shipped and the rest of the hold is released. */
describe('partial capture: shipping part of an order', () => {
  test('a FULL order captured in part: the rest released at once, refunds capped at the captured amount', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    // Tea set 299.00 + earbuds 499.00 = 798.00 held; available 29,000.00 - 798.00 = 28,202.00.
    const placed = await w.checkout(
      'u_alice',
      'MALL',
      [
        { productId: 'mall-tea-set', quantity: 1 },
        { productId: 'mall-earbuds', quantity: 1 },
      ],
      { key: 'part-ship-order-01' },
    );
    const orderId = placed.order!._id;
    expect(await w.line('u_alice')).toMatchObject({ heldMinor: 79_800, availableMinor: 2_820_200 });

    // The earbuds are out of stock: only the tea set ships, 299.00 captured, the 499.00 released:
    // held 0, used 299.00, available 29,000.00 - 299.00 = 28,701.00.
    const shipped = await w.ship('MALL', orderId, 29_900);
    expect(shipped.userErrors).toEqual([]);
    expect(shipped.order).toMatchObject({ status: 'SHIPPED', totalMinor: 79_800, capturedMinor: 29_900 });
    expect(await w.line('u_alice')).toMatchObject({
      heldMinor: 0,
      usedMinor: 29_900,
      availableMinor: 2_870_100,
    });
    const state = (await w.line('u_alice')).state!;
    expect(state.unbilledCharges).toEqual([expect.objectContaining({ ref: orderId, amountMinor: 29_900 })]);

    // A retry with the same amount answers the same; one CAPTURE entry in all.
    const again = await w.ship('MALL', orderId, 29_900);
    expect(again).toMatchObject({ userErrors: [], order: { status: 'SHIPPED', capturedMinor: 29_900 } });
    const captures = async () =>
      (await t.repos.ledger.all('cl_alice')).filter((entry) => entry.command.type === 'CAPTURE');
    expect(await captures()).toHaveLength(1);

    // Another amount, or the whole order, after it: refused, nothing moves (a hold is captured once).
    for (const captureMinor of [79_800, undefined, 10_000]) {
      const other = await w.ship('MALL', orderId, captureMinor);
      expect(other.userErrors).toEqual([
        expect.objectContaining({ code: 'ORDER_ALREADY_SHIPPED', field: 'orderId' }),
      ]);
      expect(other.userErrors[0]!.message).toContain('capturing 299.00 CNY');
    }
    expect(await captures()).toHaveLength(1);
    expect(await w.line('u_alice')).toMatchObject({
      heldMinor: 0,
      usedMinor: 29_900,
      availableMinor: 2_870_100,
    });
    expect((await t.repos.mallOrders.findByIds([orderId]))[0]).toMatchObject({ capturedMinor: 29_900 });
    // A call that stopped between the entry and the order left the order PLACED: a ship of another
    // amount is told what the ledger captured, and the order is mended from it.
    await t.repos.mallOrders.setPayment(orderId, { status: 'PLACED', capturedMinor: 0 });
    const stale = await w.ship('MALL', orderId, 79_800);
    expect(stale.userErrors).toEqual([expect.objectContaining({ code: 'ORDER_ALREADY_SHIPPED' })]);
    expect(stale.userErrors[0]!.message).toContain('capturing 299.00 CNY');
    expect((await t.repos.mallOrders.findByIds([orderId]))[0]).toMatchObject({
      status: 'SHIPPED',
      capturedMinor: 29_900,
    });
    expect(await captures()).toHaveLength(1);

    // Refunds count against what was captured (299.00), not the order's total (798.00).
    const tooMuch = await w.refund('MALL', orderId, 30_000, 'part-ship-refund-01');
    expect(tooMuch.userErrors).toEqual([
      expect.objectContaining({
        code: 'REFUND_EXCEEDS_CAPTURED',
        message: 'At most 299.00 CNY can still be refunded',
      }),
    ]);
    const whole = await w.refund('MALL', orderId, 29_900, 'part-ship-refund-02');
    expect(whole.userErrors).toEqual([]);
    expect(await w.line('u_alice')).toMatchObject({ usedMinor: 0, availableMinor: 2_900_000 });
  });

  test('an INSTALLMENTS order captured in part is priced on what was captured', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    // E-bike 2,599.00 + phone 5,999.00 = 8,598.00 in 3 installments; only the bike ships.
    const placed = await w.checkout(
      'u_alice',
      'INSTALLMENT',
      [
        { productId: 'inst-bike', quantity: 1 },
        { productId: 'inst-phone', quantity: 1 },
      ],
      { plan: 'INSTALLMENTS', periods: 3, key: 'part-ship-plan-01' },
    );
    const orderId = placed.order!._id;
    const shipped = await w.ship('INSTALLMENT', orderId, 259_900);
    expect(shipped.userErrors).toEqual([]);
    // Tier A, 3 periods: 0.50% a period. Fee = 259,900 x 0.50% x 3 = 3,898.5 -> 3,899 (half up).
    // Principal 259,900 / 3 = 86,633 r 1 -> 86,634, 86,633, 86,633; fee 3,899 / 3 = 1,299 r 2 ->
    // 1,301, 1,299, 1,299 (remainders in period 1). Were it priced on 8,598.00 the fee would be 12,897.
    const [plan] = await t.repos.installmentPlans.findByOrderIds([orderId]);
    expect(plan).toMatchObject({ totalFeeMinor: 3_899, periods: 3 });
    expect(plan!.schedule.map((p) => [p.index, p.principalMinor, p.feeMinor])).toEqual([
      [1, 86_634, 1_301],
      [2, 86_633, 1_299],
      [3, 86_633, 1_299],
    ]);
    // Held 0, used 2,599.00 (the plan's principal), available 29,000.00 - 2,599.00 = 26,401.00.
    expect(await w.line('u_alice')).toMatchObject({
      heldMinor: 0,
      usedMinor: 259_900,
      availableMinor: 2_640_100,
    });
  });

  test('a bad amount is refused on the amount and changes nothing', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    const order = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'part-ship-bad-01');
    const headBefore = (await w.line('u_alice')).headSequence;
    // 299.01 is more than the 299.00 held; 0 and -1.00 are not amounts to capture.
    const over = await w.ship('MALL', order._id, 29_901);
    expect(over.userErrors).toEqual([
      {
        code: 'CAPTURE_EXCEEDS_AUTHORIZATION',
        field: 'amount',
        message: 'Capture at most 299.00 CNY: that much was held',
      },
    ]);
    expect(over.order).toMatchObject({ status: 'PLACED', capturedMinor: 0 });
    for (const captureMinor of [0, -100, 0.5]) {
      const refused = await w.ship('MALL', order._id, captureMinor);
      expect(refused).toEqual({
        order: null,
        userErrors: [{ code: 'INVALID_AMOUNT', field: 'amount', message: 'Capture a positive amount' }],
      });
    }
    expect(await w.line('u_alice')).toMatchObject({
      headSequence: headBefore,
      heldMinor: 29_900,
      usedMinor: 0,
    });
    expect((await t.repos.mallOrders.findByIds([order._id]))[0]).toMatchObject({ status: 'PLACED' });
    // The order can still ship whole afterwards.
    const whole = await w.ship('MALL', order._id);
    expect(whole).toMatchObject({ userErrors: [], order: { status: 'SHIPPED', capturedMinor: 29_900 } });
  });

  test("a part under the channel's minimum is refused: the installment store takes at least 300.00", async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    const bike = await w.buy('u_alice', 'INSTALLMENT', 'inst-bike', 'part-ship-min-01', 3);
    const headBefore = (await w.line('u_alice')).headSequence;
    const under = await w.ship('INSTALLMENT', bike._id, 29_999);
    expect(under.userErrors).toEqual([
      {
        code: 'CAPTURE_BELOW_MINIMUM',
        field: 'amount',
        message: 'Capture at least 300.00 CNY, the least this channel takes, or the whole order',
      },
    ]);
    expect(await w.line('u_alice')).toMatchObject({ headSequence: headBefore, heldMinor: 259_900 });
    // The refusal used no key: the hold can still be captured, here at the minimum. Fee 30,000 x
    // 0.50% x 3 = 450 -> 150 a period; principal 10,000 a period.
    const atMinimum = await w.ship('INSTALLMENT', bike._id, 30_000);
    expect(atMinimum.order).toMatchObject({ status: 'SHIPPED', capturedMinor: 30_000 });
    const [plan] = await t.repos.installmentPlans.findByOrderIds([bike._id]);
    expect(plan!.schedule.map((p) => [p.principalMinor, p.feeMinor])).toEqual([
      [10_000, 150],
      [10_000, 150],
      [10_000, 150],
    ]);
  });

  test('a whole capture written before partial captures existed still replays', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    const order = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'part-ship-old-01');
    // The entry as the service wrote it before: its hash names the hold alone, no amount.
    await w.ledger.append({
      lineId: order.lineId,
      command: {
        type: 'CAPTURE',
        authorizationId: order.authorizationId,
        authorizedMinor: 29_900,
        captureMinor: 29_900,
        plan: 'FULL',
        orderId: order._id,
      },
      key: `resolve:${order.authorizationId}`,
      requestHash: requestHash({ resolve: 'CAPTURE', authorizationId: order.authorizationId }),
      now: new Date('2030-03-01T02:00:00Z'),
    });
    // The order was left PLACED (a crash before its update): shipping it whole answers as a replay.
    const shipped = await w.ship('MALL', order._id);
    expect(shipped).toMatchObject({ userErrors: [], order: { status: 'SHIPPED', capturedMinor: 29_900 } });
    expect(await w.line('u_alice')).toMatchObject({ heldMinor: 0, usedMinor: 29_900 });
  });

  test('a top-up order cancelled, or shipped in part, gives its quota back', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    const topUps = (quantity: number, key: string) =>
      w.checkout('u_alice', 'MALL', [{ productId: 'mall-phone-topup-50', quantity }], { key });
    // 10 x 50.00 = 500.00: the month's whole PHONE_TOPUP quota.
    const first = await topUps(10, 'part-ship-quota-01');
    expect(first.userErrors).toEqual([]);
    expect((await topUps(1, 'part-ship-quota-02')).userErrors[0]!.code).toBe('SCENARIO_QUOTA_EXCEEDED');
    // Cancelled: nothing was topped up, so the 500.00 is free again.
    await w.cancel('MALL', first.order!._id);
    const second = await topUps(10, 'part-ship-quota-03');
    expect(second.userErrors).toEqual([]);
    // Only 4 of its 10 delivered: 200.00 captured, 300.00 released and back in the quota; 6 more
    // fit (200.00 + 300.00 = 500.00), a 7th would not.
    await w.ship('MALL', second.order!._id, 20_000);
    expect((await topUps(7, 'part-ship-quota-04')).userErrors[0]!.code).toBe('SCENARIO_QUOTA_EXCEEDED');
    expect((await topUps(6, 'part-ship-quota-05')).userErrors).toEqual([]);
  });

  test('a cancelled order cannot be captured in part, and a capture in part cannot be cancelled', async () => {
    await using t = await testDatabase();
    const w = await world(t.repos);
    await w.at('2030-03-01T02:00:00Z');
    const cancelled = await w.buy('u_alice', 'MALL', 'mall-tea-set', 'part-ship-cancel-01');
    await w.cancel('MALL', cancelled._id);
    expect((await w.ship('MALL', cancelled._id, 10_000)).userErrors[0]!.code).toBe('ORDER_CANCELLED');
    const shipped = await w.buy('u_alice', 'MALL', 'mall-earbuds', 'part-ship-cancel-02');
    await w.ship('MALL', shipped._id, 20_000);
    expect((await w.cancel('MALL', shipped._id)).userErrors[0]!.code).toBe('ORDER_ALREADY_SHIPPED');
    // Used 200.00 of earbuds at 499.00: available 29,000.00 - 200.00 = 28,800.00.
    expect(await w.line('u_alice')).toMatchObject({
      heldMinor: 0,
      usedMinor: 20_000,
      availableMinor: 2_880_000,
    });
  });
});
