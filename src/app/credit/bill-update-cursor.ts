import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

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

/** Sealed cursors start with this; any other cursor is read as a plain one (as issued before). */
const sealedPrefix = 'p1.';
const ivBytes = 12;
const tagBytes = 16;
/** Every sequence takes as many digits as the largest, so a sealed cursor's length tells nothing. */
const sequenceDigits = 10;

/**
 * Partners' cursors are sealed (AES-256-GCM under a key derived from `AUTH_SECRET`): their positions
 * are ledger sequences, and a partner must not learn how many entries a user's line holds, from
 * before its consent or since. A cursor sealed under another secret does not open (a changed
 * `AUTH_SECRET` makes partners start again without one).
 */
export class PartnerCursorSeal {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'creditgraph', 'partner bill-update cursor', 32));
  }

  seal(positions: ReadonlyMap<string, number>): string {
    const padded = [...positions].map(
      ([key, sequence]) => `${key}:${String(sequence).padStart(sequenceDigits, '0')}`,
    );
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(padded.join('\n'), 'utf8'), cipher.final()]);
    return sealedPrefix + Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The positions of a sealed cursor, or of a plain one; undefined for anything else. */
  open(cursor: string): Map<string, number> | undefined {
    if (!cursor.startsWith(sealedPrefix)) return decodeCursor(cursor);
    const bytes = Buffer.from(cursor.slice(sealedPrefix.length), 'base64url');
    if (bytes.length <= ivBytes + tagBytes) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, ivBytes));
      decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
      const text = Buffer.concat([
        decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)),
        decipher.final(),
      ]);
      return decodeCursor(text.toString('base64url'));
    } catch {
      return undefined;
    }
  }
}

const seals = new Map<string, PartnerCursorSeal>();

/** One seal per secret per process (deriving the key costs a hash per request otherwise). */
export function partnerCursorSeal(secret: string): PartnerCursorSeal {
  let seal = seals.get(secret);
  if (!seal) {
    seal = new PartnerCursorSeal(secret);
    seals.set(secret, seal);
  }
  return seal;
}
