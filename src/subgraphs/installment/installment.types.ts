import { storeTypes } from '../common/store-types';

export const {
  Product: InstallmentProduct,
  Order: InstallmentOrder,
  OrderConnection: InstallmentOrderConnection,
} = storeTypes('Installment');
export type InstallmentProduct = InstanceType<typeof InstallmentProduct>;
export type InstallmentOrder = InstanceType<typeof InstallmentOrder>;
export type InstallmentOrderConnection = InstanceType<typeof InstallmentOrderConnection>;
