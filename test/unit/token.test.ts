import jwt from 'jsonwebtoken';
import {
  InvalidTokenError,
  signUserToken,
  TokenVerifier,
  verifyToken,
  viewerFromAuthorization,
} from '../../src/auth/token';

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

describe('TokenVerifier: each token verified once per process until it expires', () => {
  const verifySpy = () => jest.spyOn(jwt, 'verify');
  afterEach(() => jest.restoreAllMocks());

  test('a second request with the same token is answered from memory', () => {
    const token = signUserToken(secret, 'u_alice', 3600);
    const verifier = new TokenVerifier(secret);
    const spy = verifySpy();
    const first = verifier.verify(token);
    const second = verifier.verify(token);
    expect(second).toEqual(first);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test('a remembered token is refused once its expiry passes', () => {
    let nowMs = Date.now();
    const token = signUserToken(secret, 'u_alice', 60);
    const verifier = new TokenVerifier(secret, 100, () => nowMs);
    expect(verifier.verify(token).userId).toBe('u_alice');
    nowMs += 61_000;
    expect(() => verifier.verify(token)).toThrow(InvalidTokenError);
    expect(verifier.size).toBe(0);
  });

  test('failures are not remembered, and the memory holds at most its bound (least recently used goes)', () => {
    const verifier = new TokenVerifier(secret, 2);
    const [a, b, c] = ['u_a', 'u_b', 'u_c'].map((user) => signUserToken(secret, user, 3600));
    expect(() => verifier.verify(`${a}x`)).toThrow(InvalidTokenError);
    expect(() => verifier.verify(signUserToken('another-secret-0123456789', 'u_a', 3600))).toThrow(
      InvalidTokenError,
    );
    expect(verifier.size).toBe(0);
    verifier.verify(a!);
    verifier.verify(b!);
    verifier.verify(a!); // a is now the most recently used
    verifier.verify(c!);
    expect(verifier.size).toBe(2);
    const spy = verifySpy();
    verifier.verify(a!);
    expect(spy).toHaveBeenCalledTimes(0);
    verifier.verify(b!); // dropped: verified again
    expect(spy).toHaveBeenCalledTimes(1);
  });

  test('a token whose signature matches but whose claims do not is refused, remembered or not', () => {
    const verifier = new TokenVerifier(secret);
    const wrongAudience = jwt.sign({ scope: 'user' }, secret, {
      algorithm: 'HS256',
      subject: 'u_alice',
      issuer: 'creditgraph',
      audience: 'someone-else',
      expiresIn: 3600,
    });
    expect(() => verifier.verify(wrongAudience)).toThrow(InvalidTokenError);
    expect(() => verifier.verify(wrongAudience)).toThrow(InvalidTokenError);
  });
});
