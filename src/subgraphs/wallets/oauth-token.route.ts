import { PartnerTokenService } from '../../app/wallets/partner-token.service';
import { oauthErrorBody } from '../../errors';
import type { HttpRoute } from '../common/subgraph-definition';

/**
 * POST /oauth/token (RFC 6749 client credentials): form-encoded (or JSON) body; the client may
 * authenticate with HTTP Basic or with client_id/client_secret in the body.
 */
export const oauthTokenRoute: HttpRoute = async (request, env): ReturnType<HttpRoute> => {
  if (request.method !== 'POST') {
    return {
      status: 405,
      body: oauthErrorBody('invalid_request', 'Use POST'),
      headers: { allow: 'POST' },
    };
  }
  const type = String(request.headers['content-type'] ?? '');
  let fields: Record<string, string | undefined> = {};
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    fields = Object.fromEntries(new URLSearchParams(request.body));
  } else if (/^application\/json\b/i.test(type)) {
    try {
      const parsed: unknown = JSON.parse(request.body);
      if (parsed && typeof parsed === 'object') {
        fields = Object.fromEntries(
          Object.entries(parsed).map(([key, value]) => [key, typeof value === 'string' ? value : undefined]),
        );
      }
    } catch {
      return { status: 400, body: oauthErrorBody('invalid_request', 'Invalid JSON body') };
    }
  } else {
    return {
      status: 400,
      body: oauthErrorBody('invalid_request', 'Send application/x-www-form-urlencoded'),
    };
  }
  const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
  let clientId = fields.client_id;
  let clientSecret = fields.client_secret;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  const reply = await new PartnerTokenService(env.repos, env.authSecret).issue({
    grantType: fields.grant_type,
    clientId,
    clientSecret,
    scope: fields.scope,
  });
  return reply.status === 401
    ? { ...reply, headers: { 'www-authenticate': 'Basic realm="partners"' } }
    : reply;
};
