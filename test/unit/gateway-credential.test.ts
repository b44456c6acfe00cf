import {
  gatewayCredentialLifetimeMs,
  GatewayCredentialSigner,
  isValidGatewayCredential,
} from '../../src/auth/gateway-credential';

describe('the gateway credential subgraphs require', () => {
  const secret = 'a-gateway-secret-for-tests';
  const t0 = Date.UTC(2030, 0, 5, 4);

  test('valid from signing until its lifetime ends, then refused', () => {
    const credential = new GatewayCredentialSigner(secret, () => t0).current();
    expect(isValidGatewayCredential(secret, credential, t0)).toBe(true);
    expect(isValidGatewayCredential(secret, credential, t0 + gatewayCredentialLifetimeMs - 1)).toBe(true);
    expect(isValidGatewayCredential(secret, credential, t0 + gatewayCredentialLifetimeMs)).toBe(false);
  });

  test('renewed at half its lifetime, so a caller never sends one about to expire', () => {
    let now = t0;
    const signer = new GatewayCredentialSigner(secret, () => now);
    const first = signer.current();
    now = t0 + gatewayCredentialLifetimeMs / 2 - 1;
    expect(signer.current()).toBe(first);
    now = t0 + gatewayCredentialLifetimeMs / 2;
    const second = signer.current();
    expect(second).not.toBe(first);
    expect(isValidGatewayCredential(secret, second, now + gatewayCredentialLifetimeMs - 1)).toBe(true);
  });

  test('another secret, a changed expiry or signature, a far future expiry and junk are refused', () => {
    const credential = new GatewayCredentialSigner(secret, () => t0).current();
    const [version, expiry, signature] = credential.split('.') as [string, string, string];
    expect(isValidGatewayCredential('another-secret-entirely', credential, t0)).toBe(false);
    expect(isValidGatewayCredential(secret, `${version}.${Number(expiry) + 1}.${signature}`, t0)).toBe(false);
    expect(isValidGatewayCredential(secret, `${version}.${expiry}.${signature.slice(0, -2)}AA`, t0)).toBe(
      false,
    );
    // Signed with the right secret but claiming to live an hour: only a clock far ahead makes these.
    const farAhead = new GatewayCredentialSigner(secret, () => t0 + 3_600_000).current();
    expect(isValidGatewayCredential(secret, farAhead, t0)).toBe(false);
    for (const junk of [
      undefined,
      '',
      'v1',
      'v1..',
      `v2.${expiry}.${signature}`,
      `${credential}.x`,
      ['a', 'b'],
    ]) {
      expect(isValidGatewayCredential(secret, junk as string | undefined, t0)).toBe(false);
    }
  });
});
