import { Resolver } from 'type-graphql';
import { storeMutations } from '../common/store-mutations';
import { MallOrder } from './mall.types';

/** The mall's checkout, cancel, ship and refund mutations. */
@Resolver(() => MallOrder)
export class MallMutations extends storeMutations(
  'Mall',
  { checkout: 'checkout', cancel: 'cancelOrder', ship: 'shipOrder', refund: 'refundOrder' },
  MallOrder,
) {}
