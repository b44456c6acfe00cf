import { consentFields } from '../../core/partners/consent';
import { enumFrom } from '../common/enum-from';

export const ConsentField = enumFrom(
  'ConsentField',
  consentFields,
  'What a user can let a partner see or do',
  {
    NAME: 'Display name, masked (A**** W***)',
    PHONE: 'Mobile number, masked (138****1234)',
    CREDIT_STATUS: 'Credit line status (ACTIVE, FROZEN...)',
    AVAILABLE_CREDIT: 'Available credit',
    BILL_SUMMARY: 'Current bill: due date, status, owed, minimum still to pay',
    PAYMENTS: 'Take payments with the credit line for the user',
  },
);
