import { type Channel as CoreChannel, channels } from '../../core/policy/channel-policies';
import { enumFrom } from '../common/enum-from';

/** Where the credit line is used: the core's list, whose rules are data in channel-policies.ts. */
export const Channel = enumFrom('Channel', channels);
export type Channel = CoreChannel;
