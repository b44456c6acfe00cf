import { Schema } from 'mongoose';

export interface UserDoc {
  _id: string;
  displayName: string;
  phone: string;
  createdAt: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    displayName: { type: String, required: true },
    phone: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false, autoIndex: false },
);
