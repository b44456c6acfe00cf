// The one swc command that compiles src/ for running (npm run build, npm run token).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..');

/** Compiles src/ into `out`; returns an exit code (128 + the signal that ended swc, as a shell says). */
export function compileInto(out, step = 'the build') {
  const result = spawnSync(
    path.join(projectRoot, 'node_modules', '.bin', 'swc'),
    ['src', '-d', out, '--strip-leading-paths', '-q'],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  return exitCodeOf(step, result);
}

/** A child's end as an exit code: its own, or 128 + the signal that ended it. */
export function exitCodeOf(step, result) {
  if (result.error) {
    console.error(`${step} failed: ${result.error.message}`);
    return 1;
  }
  if (result.signal) return 128 + (os.constants.signals[result.signal] ?? 0);
  return result.status ?? 1;
}
