import { oauthErrorBody } from '../../errors';
import { clientSecretMatches } from '../../auth/client-secret';
import { partnerTokenTtlSeconds, signPartnerToken } from '../../auth/token';
import type { Repositories } from '../../storage/repositories/repositories';

/** An OAuth 2.0 token endpoint answer (RFC 6749 section 5): status and JSON body. */
export interface TokenReply {
  status: number;
  body: Record<string, unknown>;
}

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Space-separated subset of the partner's scopes; all of them when absent. */
  scope: string | undefined;
}

/** OAuth 2.0 client credentials for partner apps: secrets are checked against their stored hash. */
export class PartnerTokenService {
  constructor(
    private readonly repos: Pick<Repositories, 'partners'>,
    private readonly authSecret: string,
  ) {}

  async issue(request: TokenRequest): Promise<TokenReply> {
    if (request.grantType !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');
    }
    if (!request.clientId || !request.clientSecret) {
      return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
    }
    const [partner] = await this.repos.partners.findByIds([request.clientId]);
    // An unknown client and a wrong secret answer alike (and both pay for one hash).
    const matches = await clientSecretMatches(
      request.clientSecret,
      partner?.clientSecretHash ?? 'scrypt$00$00',
    );
    if (!partner || !matches) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const named = [...new Set(request.scope?.split(' ').filter(Boolean))];
    // No scope named (absent or empty): every scope the partner was granted.
    const asked = named.length > 0 ? named : partner.scopes;
    if (asked.some((scope) => !partner.scopes.includes(scope))) {
      return oauthError(400, 'invalid_scope', `This client may ask for: ${partner.scopes.join(' ')}`);
    }
    return {
      status: 200,
      body: {
        access_token: signPartnerToken(this.authSecret, partner._id, asked),
        token_type: 'Bearer',
        expires_in: partnerTokenTtlSeconds,
        scope: asked.join(' '),
      },
    };
  }
}

function oauthError(status: number, error: string, description: string): TokenReply {
  return { status, body: oauthErrorBody(error, description) };
}
