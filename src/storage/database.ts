import mongoose, { type Connection } from 'mongoose';
import { channelBindingSchema } from './models/channel-binding.model';
import { creditLineSchema } from './models/credit-line.model';
import { installmentOrderSchema, mallOrderSchema, partnerPaymentSchema } from './models/order.model';
import { bindingRequestSchema } from './models/binding-request.model';
import { dataAccessSchema } from './models/data-access.model';
import { paymentCodeSchema } from './models/payment-code.model';
import { ledgerEntrySchema } from './models/ledger-entry.model';
import { installmentPlanSchema } from './models/installment-plan.model';
import { refundSchema } from './models/refund.model';
import { clockSchema } from './models/clock.model';
import { billSchema } from './models/bill.model';
import { repaymentSchema } from './models/repayment.model';
import { payoutSchema } from './models/payout.model';
import { notificationSchema } from './models/notification.model';
import { noticeClaimSchema } from './models/notice-claim.model';
import { repaymentAskClaimSchema } from './models/repayment-ask-claim.model';
import { partnerSchema } from './models/partner.model';
import { productSchema } from './models/product.model';
import { userSchema } from './models/user.model';

// A filter value that is an object with `$` keys is matched as a value (`$eq`), never run as an
// operator, unless the repository marked it `trusted()`: no client input becomes a query operator.
mongoose.set('sanitizeFilter', true);

export type Models = ReturnType<typeof registerModels>;

export interface Database {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

function registerModels(connection: Connection) {
  return {
    users: connection.model('User', userSchema),
    creditLines: connection.model('CreditLine', creditLineSchema),
    products: connection.model('Product', productSchema),
    mallOrders: connection.model('MallOrder', mallOrderSchema),
    installmentOrders: connection.model('InstallmentOrder', installmentOrderSchema),
    partners: connection.model('Partner', partnerSchema),
    channelBindings: connection.model('ChannelBinding', channelBindingSchema),
    ledgerEntries: connection.model('LedgerEntry', ledgerEntrySchema),
    installmentPlans: connection.model('InstallmentPlan', installmentPlanSchema),
    refunds: connection.model('Refund', refundSchema),
    clock: connection.model('Clock', clockSchema),
    bills: connection.model('Bill', billSchema),
    repayments: connection.model('Repayment', repaymentSchema),
    payouts: connection.model('Payout', payoutSchema),
    notifications: connection.model('Notification', notificationSchema),
    noticeClaims: connection.model('NoticeClaim', noticeClaimSchema),
    repaymentAskClaims: connection.model('RepaymentAskClaim', repaymentAskClaimSchema),
    partnerPayments: connection.model('PartnerPayment', partnerPaymentSchema),
    bindingRequests: connection.model('BindingRequest', bindingRequestSchema),
    dataAccessLog: connection.model('DataAccess', dataAccessSchema),
    paymentCodes: connection.model('PaymentCode', paymentCodeSchema),
  };
}

/**
 * Opens a connection to one database. Indexes are not built here: see `ensureIndexes`.
 * `monitorCommands`: the driver reports each command (spans and metrics: observeDatabase).
 */
export async function connectDatabase(
  uri: string,
  options: { monitorCommands?: boolean } = {},
): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: 10_000,
    monitorCommands: options.monitorCommands ?? false,
  });
  await connection.asPromise();
  return { connection, models: registerModels(connection), close: () => connection.close() };
}

/** The explicit index setup step (autoIndex is off everywhere). Safe to run repeatedly. */
export async function ensureIndexes(db: Database): Promise<void> {
  for (const model of Object.values(db.models)) {
    await model.createCollection().catch((error: unknown) => {
      if (!isNamespaceExists(error)) throw error;
    });
    await model.createIndexes();
  }
}

function isNamespaceExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === 48;
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === 11000;
}

/** Whether the database answers a ping within `withinMs` (readiness; the driver itself waits longer). */
export async function databaseAnswers(db: Database, withinMs = 1_000): Promise<boolean> {
  const handle = db.connection.db;
  if (!handle) return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
  try {
    return await Promise.race([handle.command({ ping: 1 }).then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
