import { trusted } from 'mongoose';
import type { Models } from '../database';
import type { BindingRequestDoc } from '../models/binding-request.model';
import type { DataAccessDoc } from '../models/data-access.model';
import type { PaymentCodeDoc } from '../models/payment-code.model';
import { findByIds } from './find-by-ids';
import { insertOnce } from './insert-once';
import { keysetPage, type Page, type PageQuery } from './page';

/** Binding requests, one-time payment codes and the partner data-access log. */
export class PartnerAccessRepository {
  constructor(private readonly models: Pick<Models, 'bindingRequests' | 'dataAccessLog' | 'paymentCodes'>) {}

  insertBindingRequest(request: BindingRequestDoc): Promise<boolean> {
    return insertOnce(this.models.bindingRequests, request);
  }

  async bindingRequest(codeHash: string): Promise<BindingRequestDoc | undefined> {
    return (await findByIds<BindingRequestDoc>(this.models.bindingRequests, [codeHash]))[0];
  }

  insertPaymentCode(code: PaymentCodeDoc): Promise<boolean> {
    return insertOnce(this.models.paymentCodes, code);
  }

  async paymentCode(codeHash: string): Promise<PaymentCodeDoc | undefined> {
    return (await findByIds<PaymentCodeDoc>(this.models.paymentCodes, [codeHash]))[0];
  }

  /** Removes binding requests and payment codes that expired before `before`; how many of each. */
  async sweepExpired(before: Date): Promise<{ bindingRequests: number; paymentCodes: number }> {
    const expired = { expiresAt: trusted({ $lt: before }) };
    const [requests, codes] = await Promise.all([
      this.models.bindingRequests.deleteMany(expired).exec(),
      this.models.paymentCodes.deleteMany(expired).exec(),
    ]);
    return { bindingRequests: requests.deletedCount, paymentCodes: codes.deletedCount };
  }

  async recordAccess(records: readonly DataAccessDoc[]): Promise<void> {
    await Promise.all(records.map((record) => this.models.dataAccessLog.create(record)));
  }

  accessPageOfUser(userId: string, page: PageQuery): Promise<Page<DataAccessDoc>> {
    return keysetPage<DataAccessDoc>((filter) => this.models.dataAccessLog.find(filter), { userId }, page);
  }
}
