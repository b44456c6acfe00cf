import { Schema } from 'mongoose';

/** Local/test mode only: how far the business clock runs ahead of the wall clock (shared by all processes). */
export interface ClockDoc {
  _id: string;
  offsetMs: number;
}

export const clockSchema = new Schema<ClockDoc>(
  { _id: { type: String, required: true }, offsetMs: { type: Number, required: true } },
  { collection: 'clock', versionKey: false, autoIndex: false },
);
