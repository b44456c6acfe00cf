import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Subgraphs answer the gateway only: every call to a subgraph carries this header, a credential the
 * gateway signs with GATEWAY_SECRET that expires within a minute. A subgraph checks it before it
 * reads a body or accepts a WebSocket, so a caller that reached a subgraph port gets nothing,
 * `_service` and `_entities` included.
 */
export const gatewayCredentialHeader = 'x-gateway-credential';

/** How long one credential is accepted: short, so a copied header is soon worthless. */
export const gatewayCredentialLifetimeMs = 60_000;

const version = 'v1';

function signature(secret: string, expiresAtMs: number): Buffer {
  return createHmac('sha256', secret).update(`creditgraph-gateway.${expiresAtMs}`).digest();
}

/** Signs credentials; one is reused for half its lifetime, so signing costs nothing per request. */
export class GatewayCredentialSigner {
  private value = '';
  private renewAtMs = 0;

  constructor(
    private readonly secret: string,
    private readonly nowMs: () => number = Date.now,
  ) {}

  current(): string {
    const now = this.nowMs();
    if (now >= this.renewAtMs) {
      const expiresAtMs = now + gatewayCredentialLifetimeMs;
      this.value = `${version}.${expiresAtMs}.${signature(this.secret, expiresAtMs).toString('base64url')}`;
      this.renewAtMs = now + gatewayCredentialLifetimeMs / 2;
    }
    return this.value;
  }

  headers(): Record<string, string> {
    return { [gatewayCredentialHeader]: this.current() };
  }
}

/**
 * Whether a header value is a credential signed with this secret and not expired. One that claims
 * to live longer than a credential can is refused too: only the secret's holder could have made it,
 * but a clock far ahead must not mint long-lived ones.
 */
export function isValidGatewayCredential(
  secret: string,
  value: string | string[] | undefined,
  nowMs: number,
): boolean {
  if (typeof value !== 'string') return false;
  const [prefix, expiresRaw, signed, ...rest] = value.split('.');
  if (prefix !== version || rest.length > 0 || !expiresRaw || !signed || !/^\d{1,15}$/.test(expiresRaw))
    return false;
  const expiresAtMs = Number(expiresRaw);
  if (expiresAtMs <= nowMs || expiresAtMs > nowMs + gatewayCredentialLifetimeMs + 5_000) return false;
  const expected = signature(secret, expiresAtMs);
  const given = Buffer.from(signed, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
