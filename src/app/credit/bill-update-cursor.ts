import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { loadConfig } from '../../config';

/**
 * A cursor is where a stream stands on each line it follows: `<key>:<sequence>` pairs, opaque to
 * clients. A user's key is the line; a partner's is its own id for the user, so a partner's cursor
 * names no internal id.
 */
export function encodeCursor(positions: ReadonlyMap<string, number>): string {
  return Buffer.from([...positions].map(([key, sequence]) => `${key}:${sequence}`).join('\n')).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): Map<string, number> | undefined {
  const positions = new Map<string, number>();
  for (const pair of Buffer.from(cursor, 'base64url').toString('utf8').split('\n')) {
    const match = /^(.+):(\d{1,10})$/.exec(pair);
    if (!match) return undefined;
    positions.set(match[1]!, Number(match[2]));
  }
  return positions.size > 0 ? positions : undefined;
}

/** The cursor right after one ledger entry of a line (what `LedgerEntry.billUpdateCursor` gives). */
export function entryCursor(lineId: string, sequence: number): string {
  return encodeCursor(new Map([[lineId, sequence]]));
}

/** Sealed cursors start with this. */
const sealedPrefix = 'p1.';
const saltBytes = 16;
const tagBytes = 16;
/** Each seal has a key of its own (from a random salt), so one IV serves: no nonce limit per key. */
const iv = Buffer.alloc(12);
/** Every sequence takes as many digits as the largest, so a sealed cursor's length tells nothing. */
const sequenceDigits = 10;

/**
 * Partners' cursors are sealed (AES-256-GCM, bound to the partner): their positions are ledger
 * sequences, and a partner must not learn how many entries a user's line holds, from before its
 * consent or since. A partner can neither read nor make one (plain cursors are refused: any
 * position at or below a line's head would resume, so trying positions would find the head), nor
 * use another partner's. Each seal's key is HMAC-SHA256 of a random salt under a key derived from
 * `AUTH_SECRET`; a cursor sealed under another secret does not open.
 */
export class PartnerCursorSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'creditgraph', 'partner bill-update cursor', 32));
  }

  seal(partnerId: string, positions: ReadonlyMap<string, number>): string {
    const padded = [...positions].map(
      ([key, sequence]) => `${key}:${String(sequence).padStart(sequenceDigits, '0')}`,
    );
    const salt = randomBytes(saltBytes);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(salt), iv);
    cipher.setAAD(Buffer.from(partnerId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(padded.join('\n'), 'utf8'), cipher.final()]);
    return sealedPrefix + Buffer.concat([salt, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The positions of a cursor sealed for this partner; undefined for anything else. */
  open(partnerId: string, cursor: string): Map<string, number> | undefined {
    if (!cursor.startsWith(sealedPrefix)) return undefined;
    const bytes = Buffer.from(cursor.slice(sealedPrefix.length), 'base64url');
    if (bytes.length < saltBytes + tagBytes) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.keyFor(bytes.subarray(0, saltBytes)), iv);
      decipher.setAAD(Buffer.from(partnerId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
      const text = Buffer.concat([
        decipher.update(bytes.subarray(saltBytes, bytes.length - tagBytes)),
        decipher.final(),
      ]);
      // Empty: the stream followed nobody then (its last user's binding had ended, say).
      return text.length === 0 ? new Map() : decodeCursor(text.toString('base64url'));
    } catch {
      return undefined;
    }
  }

  private keyFor(salt: Buffer): Buffer {
    return createHmac('sha256', this.key).update(salt).digest();
  }
}

let processSeal: PartnerCursorSeal | undefined;

/** The process's seal, under its `AUTH_SECRET`: configuration read and key derived once, not per request. */
export function partnerCursorSeal(): PartnerCursorSeal {
  return (processSeal ??= new PartnerCursorSeal(loadConfig().authSecret));
}
