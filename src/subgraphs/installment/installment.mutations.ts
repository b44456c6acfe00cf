import { storeMutations } from '../common/store-mutations';
import { InstallmentOrder } from './installment.types';

export const { StoreMutations: InstallmentMutations } = storeMutations(
  'Installment',
  {
    checkout: 'installmentCheckout',
    cancel: 'cancelInstallmentOrder',
    ship: 'shipInstallmentOrder',
    refund: 'refundInstallmentOrder',
  },
  InstallmentOrder,
);
