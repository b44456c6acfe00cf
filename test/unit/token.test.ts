import jwt from 'jsonwebtoken';
import { InvalidTokenError, signUserToken, verifyToken, viewerFromAuthorization } from '../../src/auth/token';

const secret = 'unit-test-secret-0123456789';

describe('bearer tokens', () => {
  test('a signed token names its user and when it expires', () => {
    const before = Date.now();
    const viewer = verifyToken(secret, signUserToken(secret, 'u_alice', 3600));
    expect(viewer).toMatchObject({ userId: 'u_alice', scopes: ['user'] });
    // exp has whole seconds: within a second of one hour from now.
    expect(Math.abs(viewer.expiresAtMs! - (before + 3_600_000))).toBeLessThan(2_000);
  });

  test('no Authorization header means no viewer', () => {
    expect(viewerFromAuthorization(secret, undefined)).toBeUndefined();
    expect(viewerFromAuthorization(secret, '')).toBeUndefined();
  });

  test.each([
    ['another secret', () => `Bearer ${signUserToken('some-other-secret-0123456', 'u_alice')}`],
    ['expired', () => `Bearer ${signUserToken(secret, 'u_alice', -10)}`],
    ['not a bearer header', () => `Basic ${signUserToken(secret, 'u_alice')}`],
    ['garbage', () => 'Bearer not.a.jwt'],
    ['alg none', () => `Bearer ${jwt.sign({ sub: 'u_alice' }, '', { algorithm: 'none' })}`],
    [
      'wrong audience',
      () =>
        `Bearer ${jwt.sign({}, secret, { subject: 'u_alice', issuer: 'creditgraph', audience: 'other' })}`,
    ],
  ])('rejects a token that is %s', (_why, header) => {
    expect(() => viewerFromAuthorization(secret, header())).toThrow(InvalidTokenError);
  });
});
