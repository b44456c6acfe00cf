import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Who is calling: a user, an operator (scope `operator`) or a partner app (scope `partner`, with
 * `partnerId`). A partner's `userId` is `partner:<id>`, which no user id can equal, so an owner check
 * never lets a partner through by accident.
 */
export interface Viewer {
  userId: string;
  scopes: string[];
  partnerId?: string;
  /** When the token stops being valid (epoch ms): long-lived streams end then. */
  expiresAtMs?: number;
}

/** Operators are staff: they ship, refund, and may look at the schema in production. */
export function isOperator(viewer: Viewer | undefined): boolean {
  return (viewer?.partnerId === undefined && viewer?.scopes.includes('operator')) ?? false;
}

/** Where partners get tokens: the gateway serves it, the wallets subgraph answers it. */
export const oauthTokenPath = '/oauth/token';

/** Partner access tokens are short-lived (OAuth 2.0 client credentials). */
export const partnerTokenTtlSeconds = 15 * 60;

const issuer = 'creditgraph';
const audience = 'creditgraph-api';

export function signUserToken(secret: string, userId: string, ttlSeconds = 7 * 24 * 3600): string {
  return signToken(secret, userId, 'user', ttlSeconds);
}

/** Operators ship orders, refund, and (local mode) move the business clock. */
export function signOperatorToken(secret: string, operatorId = 'op_demo', ttlSeconds = 12 * 3600): string {
  return signToken(secret, operatorId, 'operator', ttlSeconds);
}

/** A partner app's access token: its id and the scopes it was granted. */
export function signPartnerToken(
  secret: string,
  partnerId: string,
  scopes: readonly string[],
  ttlSeconds = partnerTokenTtlSeconds,
): string {
  return signToken(secret, partnerId, ['partner', ...scopes].join(' '), ttlSeconds);
}

function signToken(secret: string, subject: string, scope: string, ttlSeconds: number): string {
  return jwt.sign({ scope }, secret, {
    algorithm: 'HS256',
    subject,
    issuer,
    audience,
    expiresIn: ttlSeconds,
  });
}

export class InvalidTokenError extends Error {}

/** Verifies an HS256 token; only HS256 is accepted so a forged "alg" cannot downgrade it. */
export function verifyToken(secret: string | KeyObject, token: string, nowMs = Date.now()): Viewer {
  try {
    const claims = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer,
      audience,
      clockTimestamp: Math.floor(nowMs / 1000),
    });
    if (typeof claims === 'string' || typeof claims.sub !== 'string' || claims.sub === '') {
      throw new InvalidTokenError('token has no subject');
    }
    const scope = typeof claims.scope === 'string' ? claims.scope : '';
    const scopes = scope.split(' ').filter(Boolean);
    const expiry = typeof claims.exp === 'number' ? { expiresAtMs: claims.exp * 1000 } : {};
    if (scopes.includes('partner')) {
      return { userId: `partner:${claims.sub}`, scopes, partnerId: claims.sub, ...expiry };
    }
    return { userId: claims.sub, scopes, ...expiry };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    throw new InvalidTokenError(error instanceof Error ? error.message : 'invalid token');
  }
}

/** Tokens a process remembers as verified; the oldest goes first past this many. */
export const verifiedTokenCacheSize = 10_000;

/**
 * Verifies each token once per process until it expires. Tokens cannot be revoked before expiry, so
 * remembering a good one changes no answer; failures are never remembered. The key object is built
 * once: given the secret as a string, jsonwebtoken tries to parse it as a public key every call.
 */
export class TokenVerifier {
  private readonly key: KeyObject;
  private readonly verified = new Map<string, Readonly<Viewer>>();

  constructor(
    secret: string,
    private readonly maxEntries = verifiedTokenCacheSize,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  verify(token: string): Readonly<Viewer> {
    const known = this.verified.get(token);
    if (known && (known.expiresAtMs ?? 0) > this.nowMs()) {
      // Refresh its place: the least recently used token is the one dropped.
      this.verified.delete(token);
      this.verified.set(token, known);
      return known;
    }
    if (known) this.verified.delete(token);
    const viewer = verifyToken(this.key, token, this.nowMs());
    // A token without an expiry would be remembered forever: verify those every time.
    if (viewer.expiresAtMs !== undefined) {
      Object.freeze(viewer.scopes);
      this.verified.set(token, Object.freeze(viewer));
      if (this.verified.size > this.maxEntries) this.verified.delete(this.verified.keys().next().value!);
    }
    return viewer;
  }

  get size(): number {
    return this.verified.size;
  }
}

const verifiers = new Map<string, TokenVerifier>();

/** The process's verifier for a secret (a process knows one or two secrets). */
function verifierFor(secret: string): TokenVerifier {
  let verifier = verifiers.get(secret);
  if (!verifier) verifiers.set(secret, (verifier = new TokenVerifier(secret)));
  return verifier;
}

/** Reads "Bearer <token>"; returns undefined when there is no Authorization header at all. */
export function viewerFromAuthorization(
  secret: string,
  header: string | null | undefined,
): Viewer | undefined {
  if (header === null || header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new InvalidTokenError('Authorization must be "Bearer <token>"');
  return verifierFor(secret).verify(match[1]!);
}
