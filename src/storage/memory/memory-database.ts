import mongoose, { type Connection, type Model, type Schema } from 'mongoose';
import type { Database, Models } from '../database';
import { billSchema } from '../models/bill.model';
import { channelBindingSchema } from '../models/channel-binding.model';
import { clockSchema } from '../models/clock.model';
import { creditLineSchema } from '../models/credit-line.model';
import { installmentPlanSchema } from '../models/installment-plan.model';
import { ledgerEntrySchema } from '../models/ledger-entry.model';
import { notificationSchema } from '../models/notification.model';
import { noticeClaimSchema } from '../models/notice-claim.model';
import { repaymentAskClaimSchema } from '../models/repayment-ask-claim.model';
import { installmentOrderSchema, mallOrderSchema, partnerPaymentSchema } from '../models/order.model';
import { bindingRequestSchema } from '../models/binding-request.model';
import { dataAccessSchema } from '../models/data-access.model';
import { paymentCodeSchema } from '../models/payment-code.model';
import { partnerSchema } from '../models/partner.model';
import { productSchema } from '../models/product.model';
import { payoutSchema } from '../models/payout.model';
import { refundSchema } from '../models/refund.model';
import { repaymentSchema } from '../models/repayment.model';
import { userSchema } from '../models/user.model';
import { MemoryCollection } from './collection';
import { type MemoryEngine, MemoryModel } from './memory-model';

/**
 * The schema behind each model `registerModels` (database.ts) builds. Typed against `Models`, so the
 * compiler flags a model added, removed or given another schema there until it is mirrored here.
 */
const schemas: { [K in keyof Models]: Models[K]['schema'] } = {
  users: userSchema,
  creditLines: creditLineSchema,
  products: productSchema,
  mallOrders: mallOrderSchema,
  installmentOrders: installmentOrderSchema,
  partners: partnerSchema,
  channelBindings: channelBindingSchema,
  ledgerEntries: ledgerEntrySchema,
  installmentPlans: installmentPlanSchema,
  refunds: refundSchema,
  clock: clockSchema,
  bills: billSchema,
  repayments: repaymentSchema,
  payouts: payoutSchema,
  notifications: notificationSchema,
  noticeClaims: noticeClaimSchema,
  repaymentAskClaims: repaymentAskClaimSchema,
  partnerPayments: partnerPaymentSchema,
  bindingRequests: bindingRequestSchema,
  dataAccessLog: dataAccessSchema,
  paymentCodes: paymentCodeSchema,
};

export interface MemoryDatabaseOptions {
  /**
   * Run mongoose's casting and validators on every `create`, as `Model.create` does before inserting
   * (required fields, enums, types). Off by default: it roughly halves the write rate.
   */
  validate?: boolean;
  /** Sees every query with a filter, as the engine received it. */
  observer?: MemoryEngine['observer'];
}

export interface MemoryDatabase extends Database {
  /** The in-memory collection behind each model (sizes, direct inspection in tests and simulations). */
  collections: { [K in keyof Models]: MemoryCollection };
}

/**
 * A database held in process memory: the same models as `connectDatabase`, implementing the part of
 * the mongoose Model API the repositories use, so repositories and services run unchanged and fast.
 */
export function createMemoryDatabase(options: MemoryDatabaseOptions = {}): MemoryDatabase {
  const engine: MemoryEngine = { closed: false };
  if (options.validate) engine.validator = validatorModels();
  if (options.observer) engine.observer = options.observer;
  const collections = {} as { [K in keyof Models]: MemoryCollection };
  const models = {} as Record<keyof Models, MemoryModel>;
  for (const [key, schema] of Object.entries(schemas) as [keyof Models, Schema][]) {
    const collection = new MemoryCollection(
      (schema.get('collection') as string | undefined) ?? key,
      schema.indexes(),
    );
    collections[key] = collection;
    models[key] = new MemoryModel(schema, collection, engine);
  }
  const clear = () => Object.values(collections).forEach((collection) => collection.clear());
  const close = async () => {
    engine.closed = true;
  };
  // A stand-in, not a mongoose Connection: a real one that never connects would buffer every command
  // until it times out. Outside storage only test helpers touch it (dropDatabase, close).
  const connection = { name: 'memory', readyState: 1, dropDatabase: async () => clear(), close };
  return {
    connection: connection as unknown as Connection,
    // The memory models implement only the Model methods the repositories call (see memory-model.ts).
    models: models as unknown as Models,
    collections,
    close,
  };
}

/** Mongoose models on a private, never connected instance: only used to build and validate documents. */
function validatorModels(): (schema: Schema) => Model<unknown> {
  const instance = new mongoose.Mongoose();
  const bySchema = new Map<Schema, Model<unknown>>();
  return (schema) => {
    let model = bySchema.get(schema);
    if (!model) {
      model = instance.model<unknown>(`Memory${bySchema.size}`, schema);
      bySchema.set(schema, model);
    }
    return model;
  };
}
