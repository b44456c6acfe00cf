import { storeTypes } from '../common/store-types';

export const {
  Product: MallProduct,
  Order: MallOrder,
  OrderConnection: MallOrderConnection,
} = storeTypes('Mall');
export type MallProduct = InstanceType<typeof MallProduct>;
export type MallOrder = InstanceType<typeof MallOrder>;
export type MallOrderConnection = InstanceType<typeof MallOrderConnection>;
