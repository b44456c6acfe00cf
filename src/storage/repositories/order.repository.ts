import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { OrderDoc } from '../models/order.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';
import { keysetPage, type Page, type PageQuery } from './page';

/** Orders of one store (mall or installment store); each subgraph gets its own collection. */
export class OrderRepository {
  constructor(private readonly orders: Models['mallOrders' | 'installmentOrders' | 'partnerPayments']) {}

  findByIds(ids: readonly string[]): Promise<OrderDoc[]> {
    return findByIds<OrderDoc>(this.orders, ids);
  }

  /**
   * Newest-first pages for many users: one bounded keyset query per user (sort and page size in the
   * query, served by the (userId, _id) index), so a page costs the same however long a history is.
   */
  async pageByUsers(userIds: readonly string[], page: PageQuery): Promise<Map<string, Page<OrderDoc>>> {
    const distinct = [...new Set(userIds)];
    const pages = await Promise.all(
      distinct.map((userId) => keysetPage<OrderDoc>((filter) => this.orders.find(filter), { userId }, page)),
    );
    return new Map(distinct.map((userId, index) => [userId, pages[index]!]));
  }

  /** The order recorded for a caller-scoped idempotency key (unique), if any. */
  async byIdempotencyKey(idempotencyKey: string): Promise<OrderDoc | undefined> {
    return (await this.orders.findOne({ idempotencyKey }).lean<OrderDoc>().exec()) ?? undefined;
  }

  /** A partner's payments, newest first (keyset). */
  pageOfPartner(partnerId: string, page: PageQuery): Promise<Page<OrderDoc>> {
    return keysetPage<OrderDoc>(
      (filter) => this.orders.find(filter),
      { 'partner.partnerId': partnerId },
      page,
    );
  }

  /** Every order (the rebuild command; a full scan by nature). */
  all(): Promise<OrderDoc[]> {
    return this.orders.find({}).sort({ _id: 1 }).lean<OrderDoc[]>().exec();
  }

  /** Orders still holding credit that were placed before `before` (hold expiry). */
  placedBefore(before: Date, limit: number): Promise<OrderDoc[]> {
    return this.orders
      .find({ status: 'PLACED', createdAt: trusted({ $lt: before }) })
      .limit(limit)
      .lean<OrderDoc[]>()
      .exec();
  }

  /** Projection update after the ledger recorded the change. */
  async setPayment(
    orderId: string,
    fields: Partial<Pick<OrderDoc, 'status' | 'capturedMinor' | 'refundedMinor'>>,
  ) {
    await this.orders.updateOne({ _id: orderId }, { $set: fields }).exec();
  }

  insertOnce(order: OrderDoc): Promise<boolean> {
    return insertOnce(this.orders, order);
  }
}
