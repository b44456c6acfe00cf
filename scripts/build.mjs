// `npm run build`: compiles the sources into a directory of its own under .cli/, then swaps it in as
// dist/. A running stack loads from dist/ (its supervised processes restart from it): compiling in
// place would delete it under them first, e.g. when a second `npm start` builds before it finds the
// port taken. The swap is two renames, so dist/ is whole before and after.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');

fs.mkdirSync(path.join(root, '.cli'), { recursive: true });
const fresh = fs.mkdtempSync(path.join(root, '.cli', 'build-'));
const built = spawnSync(
  path.join(root, 'node_modules', '.bin', 'swc'),
  ['src', '-d', fresh, '--strip-leading-paths', '-q'],
  { cwd: root, stdio: 'inherit' },
);
if (built.error || built.status !== 0) {
  fs.rmSync(fresh, { recursive: true, force: true });
  if (built.error) console.error(`npm run build: swc failed: ${built.error.message}`);
  process.exit(built.status || 1);
}

// Another build may swap its own in at the same moment: move whatever dist/ is there aside, retry.
const retired = [];
for (let attempt = 0; ; attempt += 1) {
  try {
    fs.renameSync(fresh, dist);
    break;
  } catch (error) {
    if (!['ENOTEMPTY', 'EEXIST'].includes(error.code) || attempt >= 5) throw error;
    const aside = `${fresh}-retired-${attempt}`;
    try {
      fs.renameSync(dist, aside);
      retired.push(aside);
    } catch (moveError) {
      if (moveError.code !== 'ENOENT') throw moveError;
    }
  }
}
for (const old of retired) fs.rmSync(old, { recursive: true, force: true });
