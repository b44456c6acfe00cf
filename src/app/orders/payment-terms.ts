import { formatMinor } from '../../core/money';

/**
 * How refusals of a capture, void or refund name what they are about, in the caller's terms: a
 * store's operators ship and cancel orders (`orderId`), a partner captures and voids its payments
 * (`paymentId`). The codes are the same for both.
 */
export interface PaymentTerms {
  /** The input field that names the order or payment. */
  idField: 'orderId' | 'paymentId';
  notFound(id: string): string;
  voidedCannotCapture: string;
  capturedNotVoided: string;
  onlyCapturedRefunded: string;
  alreadyCaptured(capturedMinor: number): string;
  resolvedOtherWay: string;
  captureAtLeast(minimumMinor: number): string;
  channelUnknown: string;
}

export const storeTerms: PaymentTerms = {
  idField: 'orderId',
  notFound: (id) => `No order ${id}`,
  voidedCannotCapture: 'A cancelled order cannot ship',
  capturedNotVoided: 'Shipped orders are refunded, not cancelled',
  onlyCapturedRefunded: 'Only shipped orders are refunded; cancel the others',
  alreadyCaptured: (capturedMinor) =>
    `This order already shipped, capturing ${formatMinor(capturedMinor)} CNY: a hold is captured once (refund what should not have been charged; what still ships is another order)`,
  resolvedOtherWay: 'The hold on this order was already resolved the other way',
  captureAtLeast: (minimumMinor) =>
    `Capture at least ${formatMinor(minimumMinor)} CNY, the least this channel takes, or the whole order`,
  channelUnknown: 'Capture the whole order, or cancel it: its channel is not known',
};

export const partnerTerms: PaymentTerms = {
  idField: 'paymentId',
  notFound: (id) => `No payment ${id}`,
  voidedCannotCapture:
    'This payment was voided (by you, or its hold expired) and cannot be captured: take a new payment',
  capturedNotVoided: 'A captured payment is refunded, not voided',
  onlyCapturedRefunded: 'Only captured payments are refunded; void the others',
  alreadyCaptured: (capturedMinor) =>
    `This payment was already captured, ${formatMinor(capturedMinor)} CNY: a payment is captured once (refund what should not have been charged; what is delivered later is another payment)`,
  resolvedOtherWay: 'The hold on this payment was already resolved the other way',
  captureAtLeast: (minimumMinor) =>
    `Capture at least ${formatMinor(minimumMinor)} CNY, the least this channel takes, or the whole payment`,
  channelUnknown: 'Capture the whole payment, or void it: its channel is not known',
};
