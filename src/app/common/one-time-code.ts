import { createHash, randomInt } from 'node:crypto';

const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud or typed

/** A one-time code: `length` characters from an alphabet that reads unambiguously. */
export function oneTimeCode(length: number, alphabet = codeAlphabet): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

export function codeHash(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}
