import { storeMutations } from '../common/store-mutations';
import { MallOrder } from './mall.types';

export const { StoreMutations: MallMutations } = storeMutations(
  'Mall',
  { checkout: 'checkout', cancel: 'cancelOrder', ship: 'shipOrder', refund: 'refundOrder' },
  MallOrder,
);
