// `npm run build`: compiles the sources into a directory of its own under .cli/, then swaps it in as
// dist/. A running stack loads from dist/ (its supervised processes restart from it): compiling in
// place deleted it under them for the whole compile, e.g. when a second `npm start` built before it
// found the port taken. Now dist/ is missing only between two renames. A process that restarts
// after the swap runs the new build beside older ones (as after any rebuild).
import fs from 'node:fs';
import path from 'node:path';
import { compileInto, projectRoot } from './swc-compile.mjs';

const dist = path.join(projectRoot, 'dist');

// Ctrl-C reaches swc too; this process stays to remove its half-made build, then exits as swc did.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
fs.mkdirSync(path.join(projectRoot, '.cli'), { recursive: true });
const fresh = fs.mkdtempSync(path.join(projectRoot, '.cli', 'build-'));
const compiled = compileInto(fresh, 'npm run build: swc');
if (compiled !== 0) {
  fs.rmSync(fresh, { recursive: true, force: true });
  process.exit(compiled);
}

// Another build may swap its own in at the same moment: move whatever dist/ is there aside, retry.
const retired = [];
try {
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
} finally {
  for (const old of retired) fs.rmSync(old, { recursive: true, force: true });
  fs.rmSync(fresh, { recursive: true, force: true });
}
