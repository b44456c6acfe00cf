import { signOperatorToken, signPartnerToken, signUserToken } from '../auth/token';
import { exitOnConfigError, loadConfig } from '../config';
import { demoPartners, demoUsers } from '../seed/demo-data';

/**
 * `npm run -s token -- <user>` prints a bearer token for a seeded user (default: the demo user);
 * `npm run -s token -- operator` prints an operator token (ship, refund, local clock);
 * `npm run -s token -- partner:<partnerId>` prints a demo partner's access token (all its scopes), as
 * POST /oauth/token would issue it.
 */
const who = process.argv[2] ?? demoUsers[0]!._id;
const { authSecret } = (() => {
  try {
    return loadConfig();
  } catch (error) {
    exitOnConfigError(error, (message) => console.error(message));
    throw error;
  }
})();
const partner = who.startsWith('partner:')
  ? demoPartners.find((candidate) => candidate._id === who.slice('partner:'.length))
  : undefined;
if (who === 'operator') {
  console.log(signOperatorToken(authSecret));
} else if (partner) {
  console.log(signPartnerToken(authSecret, partner._id, partner.scopes));
} else if (demoUsers.some((user) => user._id === who)) {
  console.log(signUserToken(authSecret, who));
} else {
  console.error(
    `unknown user "${who}"; seeded users: ${demoUsers.map((user) => user._id).join(', ')}, "operator", ` +
      `or ${demoPartners.map((p) => `partner:${p._id}`).join(', ')}`,
  );
  process.exit(2);
}
