import { Schema } from 'mongoose';

export const stores = ['MALL', 'INSTALLMENT'] as const;
export type Store = (typeof stores)[number];

export interface ProductDoc {
  _id: string;
  store: Store;
  title: string;
  category: string;
  priceMinor: number;
  /** Installment counts this product is offered with (installment store only). */
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
