import { Resolver } from 'type-graphql';
import { storeMutations } from '../common/store-mutations';
import { InstallmentOrder } from './installment.types';

/** The installment store's checkout, cancel, ship and refund mutations. */
@Resolver(() => InstallmentOrder)
export class InstallmentMutations extends storeMutations(
  'Installment',
  {
    checkout: 'installmentCheckout',
    cancel: 'cancelInstallmentOrder',
    ship: 'shipInstallmentOrder',
    refund: 'refundInstallmentOrder',
  },
  InstallmentOrder,
) {}
