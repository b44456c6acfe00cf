import type { SubgraphName } from '../config';
import type { SubgraphDefinition } from './common/subgraph-definition';
import { creditSubgraph } from './credit/credit.subgraph';
import { installmentSubgraph } from './installment/installment.subgraph';
import { mallSubgraph } from './mall/mall.subgraph';
import { walletsSubgraph } from './wallets/wallets.subgraph';

export const subgraphs: Record<SubgraphName, SubgraphDefinition<unknown>> = {
  credit: creditSubgraph,
  mall: mallSubgraph,
  installment: installmentSubgraph,
  wallets: walletsSubgraph,
};
