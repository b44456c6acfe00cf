import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../../config';
import type { DatabaseEngine } from './engine';

const sourceDir = path.join(projectRoot, 'tools', 'ferretdb');
export const ferretdbBinary = path.join(projectRoot, '.bin', 'ferretdb');

function newestSourceMtime(): number {
  return Math.max(
    ...['main.go', 'go.mod', 'go.sum'].map((file) => fs.statSync(path.join(sourceDir, file)).mtimeMs),
  );
}

/** Builds the embedded FerretDB with the machine's Go once; later runs reuse the binary. */
export function ensureFerretdbBinary(log: (line: string) => void = console.log): string {
  if (fs.existsSync(ferretdbBinary) && fs.statSync(ferretdbBinary).mtimeMs >= newestSourceMtime()) {
    return ferretdbBinary;
  }
  log('building the embedded FerretDB with Go (first run only, about 2-3 minutes)...');
  const started = Date.now();
  const result = spawnSync('go', ['build', '-o', ferretdbBinary, '.'], { cwd: sourceDir, stdio: 'inherit' });
  if (result.error) throw new Error(`cannot run Go to build FerretDB: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`building FerretDB failed (go build exit ${result.status})`);
  log(
    `built ${path.relative(projectRoot, ferretdbBinary)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return ferretdbBinary;
}

export function goAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Starts FerretDB on SQLite in `dataDir` on a free loopback port (or `listen`); it exits with us. */
export async function startFerretdb(dataDir: string, listen = '127.0.0.1:0'): Promise<DatabaseEngine> {
  const binary = ensureFerretdbBinary();
  fs.mkdirSync(dataDir, { recursive: true });
  const child = spawn(binary, ['-listen', listen, '-data', dataDir, '-watch-stdin', '-log-level', 'error'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
  );

  const uri = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('FerretDB did not start within 30 s')), 30_000);
    lines.on('line', (line) => {
      const match = /^ready (mongodb:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FerretDB exited during start (code ${code})`));
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    })());
  return { kind: 'ferretdb', uri, description: `FerretDB 1.24 (SQLite in ${dataDir})`, exited, stop };
}
