import type { CreditService } from '../../services/credit.service';
import type { SubgraphContext } from '../common/context';

export type CreditContext = SubgraphContext<{ credit: CreditService }>;
