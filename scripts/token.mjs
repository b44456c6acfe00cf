// `npm run token`: builds the sources into a directory of its own under .cli/ (not dist/, which a
// running stack loads from; not a shared one, which a second `npm run token` at the same moment would
// delete under the first), runs the token CLI from it with the arguments given, and removes it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function buildAndRun(out) {
  const built = spawnSync(
    path.join(root, 'node_modules', '.bin', 'swc'),
    ['src', '-d', out, '--strip-leading-paths', '-q'],
    { cwd: root, stdio: 'inherit' },
  );
  if (built.status !== 0) return built.status ?? 1;
  const ran = spawnSync(process.execPath, [path.join(out, 'cli', 'token.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  return ran.status ?? 1;
}

fs.mkdirSync(path.join(root, '.cli'), { recursive: true });
const out = fs.mkdtempSync(path.join(root, '.cli', 'run-'));
let status;
try {
  status = buildAndRun(out);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
process.exit(status);
