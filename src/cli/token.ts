import { signOperatorToken, signUserToken } from '../auth/token';
import { loadConfig } from '../config';
import { demoUsers } from '../seed/demo-data';

/**
 * `npm run -s token -- <user>` prints a bearer token for a seeded user (default: the demo user);
 * `npm run -s token -- operator` prints an operator token (ship, refund, local clock).
 */
const who = process.argv[2] ?? demoUsers[0]!._id;
const { authSecret } = loadConfig();
if (who === 'operator') {
  console.log(signOperatorToken(authSecret));
} else if (demoUsers.some((user) => user._id === who)) {
  console.log(signUserToken(authSecret, who));
} else {
  console.error(
    `unknown user "${who}"; seeded users: ${demoUsers.map((user) => user._id).join(', ')}, or "operator"`,
  );
  process.exit(2);
}
