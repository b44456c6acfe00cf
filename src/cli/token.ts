import { signUserToken } from '../auth/token';
import { loadConfig } from '../config';
import { demoUsers } from '../seed/demo-data';

/** `npm run -s token -- <user>` prints a bearer token for a seeded user (default: the demo user). */
const userId = process.argv[2] ?? demoUsers[0]!._id;
if (!demoUsers.some((user) => user._id === userId)) {
  console.error(`unknown user "${userId}"; seeded users: ${demoUsers.map((user) => user._id).join(', ')}`);
  process.exit(2);
}
console.log(signUserToken(loadConfig().authSecret, userId));
