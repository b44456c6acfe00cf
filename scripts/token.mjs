// `npm run token`: builds the sources into a directory of its own under .cli/ (not dist/, which a
// running stack loads from; not a shared one, which a second `npm run token` at the same moment would
// delete under the first), runs the token CLI from it with the arguments given, and removes it. The
// CLI reads only the secrets: paths it would derive from where it runs point into .cli/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compileInto, exitCodeOf, projectRoot as root } from './swc-compile.mjs';

function buildAndRun(out) {
  const buildExit = compileInto(out, 'npm run token: the build');
  if (buildExit !== 0) return buildExit;
  const ran = spawnSync(process.execPath, [path.join(out, 'cli', 'token.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  return exitCodeOf('npm run token: the token CLI', ran);
}

// Ctrl-C reaches the child too; this process stays to remove the build, then exits as the child did.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
fs.mkdirSync(path.join(root, '.cli'), { recursive: true });
const out = fs.mkdtempSync(path.join(root, '.cli', 'run-'));
let status;
try {
  status = buildAndRun(out);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
process.exit(status);
