import { decodeCursor, encodeCursor, PartnerCursorSeal } from '../../src/app/credit/bill-update-cursor';

const seal = new PartnerCursorSeal('a secret of sixteen+ characters');
const wallet = 'p_lakeside_wallet';

describe("partners' bill-update cursors are sealed", () => {
  test('a sealed cursor opens to its positions, and shows neither them nor their size', () => {
    const few = new Map([['lw-88231', 4]]);
    const many = new Map([['lw-88231', 1_234_567]]);
    const sealed = seal.seal(wallet, few);
    expect(seal.open(wallet, sealed)).toEqual(few);
    expect(seal.open(wallet, seal.seal(wallet, many))).toEqual(many);
    // Nothing of the plain text is readable: not the partner user's id, not the sequence.
    expect(decodeCursor(sealed)).toBeUndefined();
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('lw-88231');
    // 4 and 1,234,567 entries: the same length (sequences padded to 10 digits before sealing).
    expect(sealed.length).toBe(seal.seal(wallet, many).length);
    // A fresh salt (and key) each time: the same positions never give the same cursor twice.
    expect(seal.seal(wallet, few)).not.toBe(sealed);
  });

  test('a changed byte, a cut cursor, another partner, another secret or a plain cursor does not open', () => {
    const sealed = seal.seal(wallet, new Map([['lw-88231', 4]]));
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[bytes.length - 20]! ^= 1;
    expect(seal.open(wallet, `p1.${bytes.toString('base64url')}`)).toBeUndefined();
    expect(seal.open(wallet, sealed.slice(0, 20))).toBeUndefined();
    expect(seal.open(wallet, 'p1.')).toBeUndefined();
    // Sealed for the wallet: useless to another partner, even one naming its users the same way.
    expect(seal.open('p_skyline_telecom', sealed)).toBeUndefined();
    expect(new PartnerCursorSeal('another secret, sixteen+ chars').open(wallet, sealed)).toBeUndefined();
    // A plain cursor is a partner's own guess at a position: trying positions would find the head.
    expect(seal.open(wallet, encodeCursor(new Map([['lw-88231', 7]])))).toBeUndefined();
    expect(seal.open(wallet, 'not a cursor')).toBeUndefined();
  });
});
