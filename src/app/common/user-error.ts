/** A mutation's refusal: a stable code, a message for people, and the input field at fault if any. */
export interface UserError {
  field: string | null;
  code: string;
  message: string;
}

export function userError(code: string, message: string, field: string | null = null): UserError {
  return { field, code, message };
}

/** Client idempotency keys: 8-100 characters from a safe set. One rule for every money-moving mutation. */
export function idempotencyKeyError(key: string): UserError | null {
  return /^[\w.:-]{8,100}$/.test(key)
    ? null
    : userError('INVALID_IDEMPOTENCY_KEY', 'Use 8-100 letters, digits, "-", "_", ".", ":"', 'idempotencyKey');
}
