import type { Database } from '../database';
import { ChannelBindingRepository } from './channel-binding.repository';
import { CreditLineRepository } from './credit-line.repository';
import { BillRepository } from './bill.repository';
import { ClockRepository } from './clock.repository';
import { NotificationRepository } from './notification.repository';
import { RepaymentRepository } from './repayment.repository';
import { RepaymentAskClaimRepository } from './repayment-ask-claim.repository';
import { InstallmentPlanRepository } from './installment-plan.repository';
import { LedgerRepository } from './ledger.repository';
import { RefundRepository } from './refund.repository';
import { PayoutRepository } from './payout.repository';
import { OrderRepository } from './order.repository';
import { PartnerRepository } from './partner.repository';
import { PartnerAccessRepository } from './partner-access.repository';
import { ProductRepository } from './product.repository';
import { UserRepository } from './user.repository';

export interface Repositories {
  users: UserRepository;
  creditLines: CreditLineRepository;
  products: ProductRepository;
  mallOrders: OrderRepository;
  installmentOrders: OrderRepository;
  partners: PartnerRepository;
  channelBindings: ChannelBindingRepository;
  ledger: LedgerRepository;
  installmentPlans: InstallmentPlanRepository;
  refunds: RefundRepository;
  clock: ClockRepository;
  bills: BillRepository;
  repayments: RepaymentRepository;
  payouts: PayoutRepository;
  repaymentAskClaims: RepaymentAskClaimRepository;
  notifications: NotificationRepository;
  partnerPayments: OrderRepository;
  partnerAccess: PartnerAccessRepository;
}

export function createRepositories(db: Database): Repositories {
  const { models } = db;
  return {
    users: new UserRepository(models),
    creditLines: new CreditLineRepository(models),
    products: new ProductRepository(models),
    mallOrders: new OrderRepository(models.mallOrders),
    installmentOrders: new OrderRepository(models.installmentOrders),
    partners: new PartnerRepository(models),
    channelBindings: new ChannelBindingRepository(models),
    ledger: new LedgerRepository(models),
    installmentPlans: new InstallmentPlanRepository(models),
    refunds: new RefundRepository(models),
    clock: new ClockRepository(models),
    bills: new BillRepository(models),
    repayments: new RepaymentRepository(models),
    payouts: new PayoutRepository(models),
    repaymentAskClaims: new RepaymentAskClaimRepository(models),
    notifications: new NotificationRepository(models),
    partnerPayments: new OrderRepository(models.partnerPayments),
    partnerAccess: new PartnerAccessRepository(models),
  };
}
