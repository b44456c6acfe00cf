// `npm run token`: builds the sources into a directory of its own under .cli/ (not dist/, which a
// running stack loads from; not a shared one, which a second `npm run token` at the same moment would
// delete under the first), runs the token CLI from it with the arguments given, and removes it. The
// CLI reads only the secrets: paths it would derive from where it runs point into .cli/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** A child's end as an exit code: its own, or 128 + the signal that ended it (as a shell says). */
function exitCodeOf(step, result) {
  if (result.error) {
    console.error(`npm run token: ${step} failed: ${result.error.message}`);
    return 1;
  }
  if (result.signal) return 128 + (os.constants.signals[result.signal] ?? 0);
  return result.status ?? 1;
}

function buildAndRun(out) {
  const built = spawnSync(
    path.join(root, 'node_modules', '.bin', 'swc'),
    ['src', '-d', out, '--strip-leading-paths', '-q'],
    { cwd: root, stdio: 'inherit' },
  );
  const buildExit = exitCodeOf('the build', built);
  if (buildExit !== 0) return buildExit;
  const ran = spawnSync(process.execPath, [path.join(out, 'cli', 'token.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  return exitCodeOf('the token CLI', ran);
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
