import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { projectRoot } from '../../config';
import type { DatabaseEngine } from './engine';
import { redactUrl } from './redact-url';

const sourceDir = path.join(projectRoot, 'tools', 'ferretdb');
export const ferretdbBinary = path.join(projectRoot, '.bin', 'ferretdb');

const buildStamp = `${ferretdbBinary}.stamp`;

/**
 * One edit to FerretDB's own source, applied at build time to a copy of the module taken from Go's
 * module cache (nothing of FerretDB is kept in this repository). Its SQLite backend filters `_id` reads by
 * `_ferretdb_sjson->'$._id'` but builds the `_id` index on `_ferretdb_sjson->"_id"`; SQLite's planner
 * matches expressions textually, so every `_id` read scanned. The edit builds that index on the
 * read expression, for every collection created from then on.
 */
export const ferretdbSourceEdit = {
  module: 'github.com/FerretDB/FerretDB',
  file: 'internal/backends/sqlite/metadata/registry.go',
  find: '\t\t\tcolumns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))\n',
  replace:
    '\t\t\tcolumns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))\n' +
    '\t\t\tif key.Field == "_id" {\n' +
    '\t\t\t\tcolumns[i] = IDColumn // creditgraph: the expression `_id` reads filter by\n' +
    '\t\t\t}\n',
};

function sourceStamp(): string {
  const hash = createHash('sha256');
  const sources = fs
    .readdirSync(sourceDir)
    .filter((file) => file.endsWith('.go') || file === 'go.mod' || file === 'go.sum')
    .sort();
  for (const file of sources) hash.update(file).update(fs.readFileSync(path.join(sourceDir, file)));
  hash.update(JSON.stringify(ferretdbSourceEdit));
  return hash.digest('hex');
}

/**
 * Copies FerretDB's module out of Go's module cache (which Go will not let a build edit), applies the
 * edit, and writes a go.mod that replaces the module with the copy; returns that go.mod's path.
 */
function prepareEditedModule(buildDir: string): string {
  const listed = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', ferretdbSourceEdit.module], {
    cwd: sourceDir,
    encoding: 'utf8',
  });
  const moduleDir = listed.stdout.trim();
  if (
    listed.status !== 0 ||
    moduleDir === '' ||
    !fs.existsSync(path.join(moduleDir, ferretdbSourceEdit.file))
  ) {
    throw new Error(
      `FerretDB's source is not in Go's module cache (go list: ${listed.stderr.trim() || 'no directory'})`,
    );
  }
  const moduleCopy = path.join(buildDir, 'FerretDB');
  fs.cpSync(moduleDir, moduleCopy, { recursive: true });
  // The module cache is read-only; the copy must not be, or the next build cannot delete it.
  spawnSync('chmod', ['-R', 'u+w', moduleCopy]);
  const edited = path.join(moduleCopy, ferretdbSourceEdit.file);
  const source = fs.readFileSync(edited, 'utf8');
  if (source.split(ferretdbSourceEdit.find).length !== 2) {
    throw new Error(`the FerretDB edit no longer applies: ${ferretdbSourceEdit.file} changed upstream`);
  }
  fs.chmodSync(edited, 0o644);
  fs.writeFileSync(edited, source.replace(ferretdbSourceEdit.find, ferretdbSourceEdit.replace));
  const goMod = path.join(buildDir, 'go.mod');
  fs.writeFileSync(
    goMod,
    `${fs.readFileSync(path.join(sourceDir, 'go.mod'), 'utf8')}\nreplace ${ferretdbSourceEdit.module} => ${moduleCopy}\n`,
  );
  fs.copyFileSync(path.join(sourceDir, 'go.sum'), path.join(buildDir, 'go.sum'));
  return goMod;
}

/** Builds the embedded FerretDB with the machine's Go once; later runs reuse the binary. */
export function ensureFerretdbBinary(log: (line: string) => void = console.log): string {
  const stamp = sourceStamp();
  if (
    fs.existsSync(ferretdbBinary) &&
    fs.existsSync(buildStamp) &&
    fs.readFileSync(buildStamp, 'utf8') === stamp
  ) {
    return ferretdbBinary;
  }
  log('building the embedded FerretDB with Go (first run only, about 2-3 minutes)...');
  const started = Date.now();
  // The edit needs FerretDB's source in the module cache before the build.
  const downloaded = spawnSync('go', ['mod', 'download', ferretdbSourceEdit.module], {
    cwd: sourceDir,
    stdio: 'inherit',
  });
  if (downloaded.error) throw new Error(`cannot run Go to build FerretDB: ${downloaded.error.message}`);
  if (downloaded.status !== 0) throw new Error(`go mod download failed (exit ${downloaded.status})`);
  // A build directory of its own, and the binary renamed into place: two builds at once cannot
  // delete each other's files or leave half a binary.
  fs.mkdirSync(path.dirname(ferretdbBinary), { recursive: true });
  const buildDir = fs.mkdtempSync(path.join(path.dirname(ferretdbBinary), 'ferretdb-build-'));
  try {
    const goMod = prepareEditedModule(buildDir);
    const built = path.join(buildDir, 'ferretdb');
    const result = spawnSync('go', ['build', '-modfile', goMod, '-o', built, '.'], {
      cwd: sourceDir,
      stdio: 'inherit',
    });
    if (result.error) throw new Error(`cannot run Go to build FerretDB: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`building FerretDB failed (go build exit ${result.status})`);
    fs.renameSync(built, ferretdbBinary);
    fs.writeFileSync(`${buildStamp}.${process.pid}`, stamp);
    fs.renameSync(`${buildStamp}.${process.pid}`, buildStamp);
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
  log(
    `built ${path.relative(projectRoot, ferretdbBinary)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return ferretdbBinary;
}

/**
 * FerretDB's log, minus one kind of line: on PostgreSQL it logs every unique-key violation as an
 * ERROR, and a refused duplicate insert is how this product makes things happen at most once.
 */
function forwardErrors(stderr: Readable): void {
  const lines = readline.createInterface({ input: stderr });
  let droppingContinuation = false;
  lines.on('line', (line) => {
    // A logged entry starts with its time; the rest of a multi-line entry belongs to the one before.
    const startsEntry = line.startsWith('time=');
    if (startsEntry) droppingContinuation = line.includes('SQLSTATE 23505');
    if (!droppingContinuation) process.stderr.write(`${line}\n`);
  });
}

export function goAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

export interface FerretdbOptions {
  /** SQLite files live here (unused on PostgreSQL). */
  dataDir: string;
  /** host:port; a free loopback port by default. */
  listen?: string | undefined;
  /** Store everything in this PostgreSQL database instead of SQLite. */
  postgresqlUrl?: string | undefined;
}

/** Starts the embedded FerretDB on a free loopback port (or `listen`); it exits with us. */
export async function startFerretdb(options: FerretdbOptions): Promise<DatabaseEngine> {
  const { dataDir, listen = '127.0.0.1:0', postgresqlUrl } = options;
  const binary = ensureFerretdbBinary();
  fs.mkdirSync(dataDir, { recursive: true });
  const args = ['-listen', listen, '-data', dataDir, '-watch-stdin', '-log-level', 'error'];
  // The URL goes through the environment, so a password in it is not on the command line (ps).
  const child = spawn(binary, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, FERRETDB_POSTGRESQL_URL: postgresqlUrl ?? '' },
  });
  forwardErrors(child.stderr!);
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
  return {
    kind: 'ferretdb',
    uri,
    description: postgresqlUrl
      ? `FerretDB 1.24 (PostgreSQL at ${redactUrl(postgresqlUrl)})`
      : `FerretDB 1.24 (SQLite in ${dataDir})`,
    exited,
    stop,
  };
}
