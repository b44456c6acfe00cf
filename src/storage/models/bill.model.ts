import { Schema } from 'mongoose';
import { billStatus, type BillStatus, billStatuses } from '../../core/billing/bill-status';
import {
  billComponents,
  type BillItem,
  billOwedMinor,
  type BillState,
  type ComponentAmounts,
  statementTotalMinor,
} from '../../core/ledger/line-state';

/**
 * A statement. `_id` is `<lineId>:<statementDate>`, so a cycle is billed at most once. A projection of
 * the bill's state in the ledger (as of `sequence`): items are frozen at issue; billed/paid/credited
 * per component change, and status follows from what is owed.
 */
export interface BillDoc {
  _id: string;
  lineId: string;
  userId: string;
  statementDate: string;
  dueDate: string;
  items: BillItem[];
  billed: ComponentAmounts;
  paid: ComponentAmounts;
  credited: ComponentAmounts;
  /** What the statement billed at issue (items), excluding interest and penalties accrued later. */
  statementTotalMinor: number;
  minimumDueMinor: number;
  owedMinor: number;
  overdue: boolean;
  status: BillStatus;
  /** Held: past due, not judged while repayments asked by then wait on their source (absent on older documents). */
  awaitingRepayments?: boolean;
  /** Ledger sequence of the state shown: an older state never overwrites a newer one. */
  sequence: number;
}

/** The bill document for a bill state at a ledger sequence (used live and by the rebuild). */
export function billProjection(
  state: BillState,
  line: { lineId: string; userId: string },
  sequence: number,
): BillDoc {
  return {
    _id: state.billId,
    lineId: line.lineId,
    userId: line.userId,
    statementDate: state.statementDate,
    dueDate: state.dueDate,
    items: state.items,
    billed: state.billed,
    paid: state.paid,
    credited: state.credited,
    statementTotalMinor: statementTotalMinor(state),
    minimumDueMinor: state.minimumDueMinor,
    owedMinor: billOwedMinor(state),
    overdue: state.overdue,
    status: billStatus(state),
    awaitingRepayments: state.held !== undefined,
    sequence,
  };
}

const amountsSchema = new Schema<ComponentAmounts>(
  Object.fromEntries(billComponents.map((component) => [component, { type: Number, required: true }])),
  { _id: false },
);

export const billSchema = new Schema<BillDoc>(
  {
    _id: { type: String, required: true },
    lineId: { type: String, required: true },
    userId: { type: String, required: true },
    statementDate: { type: String, required: true },
    dueDate: { type: String, required: true },
    items: { type: Schema.Types.Mixed, required: true },
    billed: { type: amountsSchema, required: true },
    paid: { type: amountsSchema, required: true },
    credited: { type: amountsSchema, required: true },
    statementTotalMinor: { type: Number, required: true },
    minimumDueMinor: { type: Number, required: true },
    owedMinor: { type: Number, required: true },
    overdue: { type: Boolean, required: true },
    status: { type: String, enum: billStatuses, required: true },
    awaitingRepayments: { type: Boolean, required: false },
    sequence: { type: Number, required: true },
  },
  { collection: 'bills', versionKey: false, autoIndex: false, minimize: false },
);
billSchema.index({ lineId: 1, statementDate: -1 });
billSchema.index({ userId: 1, _id: -1 });
// The due jobs' hourly look at the bills due today.
billSchema.index({ dueDate: 1, _id: 1 });
