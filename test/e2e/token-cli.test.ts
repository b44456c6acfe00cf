import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { verifyToken } from '../../src/auth/token';
import { loadConfig, projectRoot } from '../../src/config';

const run = promisify(execFile);

describe('npm run token', () => {
  test('several at once each print a valid token, and leave no build behind', async () => {
    // They used to share one build directory, each deleting it under the others (ENOTEMPTY, or a
    // module gone mid-load).
    const builds = path.join(projectRoot, '.cli');
    const before = fs.existsSync(builds) ? fs.readdirSync(builds) : [];
    const who = ['u_alice', 'u_bob', 'u_carol', 'operator', 'u_alice', 'u_bob'];
    const runs = await Promise.all(
      who.map((name) => run(process.execPath, [path.join(projectRoot, 'scripts', 'token.mjs'), name])),
    );
    const { authSecret } = loadConfig();
    expect(runs.map(({ stdout }) => verifyToken(authSecret, stdout.trim()).userId)).toEqual([
      'u_alice',
      'u_bob',
      'u_carol',
      'op_demo',
      'u_alice',
      'u_bob',
    ]);
    expect(fs.readdirSync(builds).filter((name) => !before.includes(name))).toEqual([]);
  });

  test('an unknown user is refused with the list of those it knows, exit 2', async () => {
    const refused = await run(process.execPath, [
      path.join(projectRoot, 'scripts', 'token.mjs'),
      'u_nobody',
    ]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('unknown user "u_nobody"; seeded users: u_alice, u_bob, u_carol');
  });
});
