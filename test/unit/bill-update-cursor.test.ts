import { decodeCursor, encodeCursor, PartnerCursorSeal } from '../../src/app/credit/bill-update-cursor';

const seal = new PartnerCursorSeal('a secret of sixteen+ characters');

describe("partners' bill-update cursors are sealed", () => {
  test('a sealed cursor opens to its positions, and shows neither them nor their size', () => {
    const few = new Map([['lw-88231', 4]]);
    const many = new Map([['lw-88231', 1_234_567]]);
    const sealed = seal.seal(few);
    expect(seal.open(sealed)).toEqual(few);
    expect(seal.open(seal.seal(many))).toEqual(many);
    // Nothing of the plain text is readable: not the partner user's id, not the sequence.
    expect(decodeCursor(sealed)).toBeUndefined();
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('lw-88231');
    // 4 and 1,234,567 entries: the same length (sequences padded to 10 digits before sealing).
    expect(sealed.length).toBe(seal.seal(many).length);
    // A fresh nonce each time: the same positions never give the same cursor twice.
    expect(seal.seal(few)).not.toBe(sealed);
  });

  test('a changed byte, a cut cursor or another secret does not open; a plain cursor still does', () => {
    const sealed = seal.seal(new Map([['lw-88231', 4]]));
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[bytes.length - 20]! ^= 1;
    expect(seal.open(`p1.${bytes.toString('base64url')}`)).toBeUndefined();
    expect(seal.open(sealed.slice(0, 20))).toBeUndefined();
    expect(seal.open('p1.')).toBeUndefined();
    expect(new PartnerCursorSeal('another secret, sixteen+ chars').open(sealed)).toBeUndefined();
    // Cursors issued before sealing (and hand-made ones) name only the partner's own ids.
    const plain = encodeCursor(new Map([['lw-88231', 7]]));
    expect(seal.open(plain)).toEqual(new Map([['lw-88231', 7]]));
    expect(seal.open('not a cursor')).toBeUndefined();
  });
});
