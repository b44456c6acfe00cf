import { Schema } from 'mongoose';
import type { Channel } from '../../core/policy/channel-policies';

export const stores = ['MALL', 'INSTALLMENT'] as const;
export type Store = (typeof stores)[number];

/** The channel each store sells through (its rules: src/core/policy/channel-policies.ts). */
export const storeChannel: Record<Store, Channel> = { MALL: 'MALL', INSTALLMENT: 'INSTALLMENT_STORE' };

export interface ProductDoc {
  _id: string;
  store: Store;
  title: string;
  category: string;
  priceMinor: number;
  /**
   * Installment counts this product is offered in, within its channel's; empty = whatever the channel
   * offers (mall products are not priced per count). A cart offers the counts all its products offer.
   */
  installmentPeriods: number[];
}

export const productSchema = new Schema<ProductDoc>(
  {
    _id: { type: String, required: true },
    store: { type: String, enum: stores, required: true },
    title: { type: String, required: true },
    category: { type: String, required: true },
    priceMinor: { type: Number, required: true },
    installmentPeriods: { type: [Number], default: [] },
  },
  { collection: 'products', versionKey: false, autoIndex: false },
);
productSchema.index({ store: 1, _id: 1 });
