import { idempotencyKeyRule } from '../../app/common/user-error';

/**
 * An `idempotencyKey` input field's description: what a retry with the same key does, then the keys
 * accepted (the one rule `idempotencyKeyError` in src/app/common/user-error.ts checks for every
 * money-moving mutation).
 */
export function idempotencyKeyDescription(replay: string): string {
  return `${replay}. A key is ${idempotencyKeyRule} (else INVALID_IDEMPOTENCY_KEY)`;
}
