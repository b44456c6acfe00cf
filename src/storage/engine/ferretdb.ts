import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { projectRoot } from '../../config';
import type { DatabaseEngine } from './engine';
import { redactUrl } from './redact-url';
import { makeDirectory } from '../../runtime/make-directory';

const sourceDir = path.join(projectRoot, 'tools', 'ferretdb');
export const ferretdbBinary = path.join(projectRoot, '.bin', 'ferretdb');

const buildStamp = `${ferretdbBinary}.stamp`;

const ferretdbModule = 'github.com/FerretDB/FerretDB';

/**
 * Go files added to FerretDB's module at build time, at the same paths (`tools/ferretdb/_overlay`; Go
 * ignores directories starting with `_`, so they build only inside the copy).
 */
const overlayDir = path.join(sourceDir, '_overlay');

interface SourceEdit {
  file: string;
  find: string;
  replace: string;
}

/**
 * Edits to FerretDB's own source, applied at build time to a copy of the module taken from Go's module
 * cache (nothing of FerretDB is kept in this repository). Its SQLite backend reads a whole table for
 * any filter but `_id` equality, and filters that by `_ferretdb_sjson->'$._id'` while its `_id` index
 * is on `_ferretdb_sjson->"_id"` (SQLite's planner matches expressions textually, so those scanned
 * too). With the edits, indexes are built on the expressions reads use (`KeyColumn`; an index another
 * build made differently is recreated when its file is opened), and string or null equalities on an
 * index's leading fields (dotted fields too: find hands over its whole filter), `_id` ranges and an
 * `_id` sort are pushed down (`creditgraph_pushdown.go`, guard and read in one transaction), the
 * handler skipping its own sort when the backend's order is exact and reading such rows before it
 * replies.
 */
export const ferretdbSourceEdits: readonly SourceEdit[] = [
  {
    file: 'internal/backends/sqlite/metadata/registry.go',
    find:
      '\t\tq := "CREATE "\n\n\t\tif index.Unique {\n\t\t\tq += "UNIQUE "\n\t\t}\n\n' +
      '\t\tq += "INDEX %q ON %q (%s)"\n\n' +
      '\t\tcolumns := make([]string, len(index.Key))\n\t\tfor i, key := range index.Key {\n' +
      '\t\t\tfields := strings.Split(key.Field, ".")\n\t\t\tfor j, f := range fields {\n' +
      '\t\t\t\tfields[j] = fmt.Sprintf("%q", f)\n\t\t\t}\n\n' +
      '\t\t\tcolumns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))\n' +
      '\t\t\tif key.Descending {\n\t\t\t\tcolumns[i] += " DESC"\n\t\t\t}\n\t\t}\n\n' +
      '\t\tq = fmt.Sprintf(\n\t\t\tq,\n\t\t\tc.TableName+"_"+index.Name,\n\t\t\tc.TableName,\n' +
      '\t\t\tstrings.Join(columns, ", "),\n\t\t)\n',
    replace: '\t\tq := creditgraphIndexSQL(c.TableName, index)\n',
  },
  {
    file: 'internal/backends/sqlite/metadata/registry.go',
    find: '\tr.colls[dbName] = colls\n\n\treturn nil\n',
    replace:
      '\tr.colls[dbName] = colls\n\n' +
      '\tif err = creditgraphRebuildIndexes(ctx, db, colls); err != nil {\n' +
      '\t\treturn lazyerrors.Error(err)\n' +
      '\t}\n\n' +
      '\treturn nil\n',
  },
  {
    file: 'internal/backends/collection.go',
    find: '\tOnlyRecordIDs bool\n',
    replace:
      '\tOnlyRecordIDs bool\n' +
      '\t// creditgraph: an `_id` sort a backend may apply, saying so in QueryResult.CreditgraphSorted.\n' +
      '\tCreditgraphSort *types.Document\n' +
      "\t// creditgraph: find's whole filter, dotted fields too (Filter has them removed), to choose an index.\n" +
      '\tCreditgraphFilter *types.Document\n',
  },
  {
    file: 'internal/backends/collection.go',
    find: 'type QueryResult struct {\n\tIter types.DocumentsIterator\n',
    replace:
      'type QueryResult struct {\n\tIter types.DocumentsIterator\n' +
      '\t// creditgraph: rows come in QueryParams.CreditgraphSort order, exactly as MongoDB sorts.\n' +
      '\tCreditgraphSorted bool\n',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    find: '\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n',
    replace:
      '\tif whereClause == "" {\n' +
      '\t\tif res, err := creditgraphQuery(ctx, db, meta, params, q); err != nil || res != nil {\n' +
      '\t\t\treturn res, err\n' +
      '\t\t}\n' +
      '\t}\n\n' +
      '\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n',
  },
  {
    file: 'internal/handler/msg_find.go',
    find: '\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))\n',
    replace:
      '\tif !h.DisablePushdown { // creditgraph\n' +
      '\t\tqp.CreditgraphFilter = params.Filter\n' +
      '\t\tif params.Sort.Len() == 1 && params.Sort.Keys()[0] == "_id" {\n' +
      '\t\t\tqp.CreditgraphSort = params.Sort\n' +
      '\t\t}\n' +
      '\t}\n\n' +
      '\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))\n',
  },
  {
    file: 'internal/handler/msg_find.go',
    find:
      '\titer, err := h.makeFindIter(queryRes.Iter, closer, params)\n' +
      '\tif err != nil {\n' +
      '\t\treturn nil, handleMaxTimeMSError(err, params.MaxTimeMS, "find")\n' +
      '\t}\n',
    replace:
      '\t// creditgraph: rows the backend sorted exactly are not sorted again, so the limit stops reading;\n' +
      "\t// they are read now, so the backend's snapshot and connection are not held by the cursor (by hand:\n" +
      "\t// closing the chain, as ConsumeValues does, would cancel the find's context, which ends the cursor).\n" +
      '\titerParams := params\n' +
      '\tif queryRes.CreditgraphSorted {\n' +
      '\t\tunsorted := *params\n' +
      '\t\tunsorted.Sort = nil\n' +
      '\t\titerParams = &unsorted\n' +
      '\t}\n\n' +
      '\titer, err := h.makeFindIter(queryRes.Iter, closer, iterParams)\n' +
      '\tif err != nil {\n' +
      '\t\treturn nil, handleMaxTimeMSError(err, params.MaxTimeMS, "find")\n' +
      '\t}\n\n' +
      '\tif queryRes.CreditgraphSorted {\n' +
      '\t\tvar docs []*types.Document\n' +
      '\t\tfor {\n' +
      '\t\t\t_, doc, nextErr := iter.Next()\n' +
      '\t\t\tif errors.Is(nextErr, iterator.ErrIteratorDone) {\n' +
      '\t\t\t\tbreak\n' +
      '\t\t\t}\n' +
      '\t\t\tif nextErr != nil {\n' +
      '\t\t\t\titer.Close()\n' +
      '\t\t\t\treturn nil, handleMaxTimeMSError(nextErr, params.MaxTimeMS, "find")\n' +
      '\t\t\t}\n' +
      '\t\t\tdocs = append(docs, doc)\n' +
      '\t\t}\n\n' +
      '\t\tqueryRes.Iter.Close()\n' +
      '\t\tconsumed := iter\n' +
      '\t\tvalues := iterator.Values(iterator.ForSlice(docs))\n' +
      '\t\titer = iterator.WithClose(values, func() { values.Close(); consumed.Close() })\n' +
      '\t}\n',
  },
];

function overlayFiles(dir = overlayDir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? overlayFiles(full) : [full];
  });
}

function sourceStamp(): string {
  const hash = createHash('sha256');
  const sources = fs
    .readdirSync(sourceDir)
    .filter((file) => file.endsWith('.go') || file === 'go.mod' || file === 'go.sum')
    .sort()
    .map((file) => path.join(sourceDir, file));
  for (const file of [...sources, ...overlayFiles().sort()]) {
    hash.update(path.relative(sourceDir, file)).update(fs.readFileSync(file));
  }
  hash.update(JSON.stringify(ferretdbSourceEdits));
  return hash.digest('hex');
}

/**
 * Copies FerretDB's module out of Go's module cache (which Go will not let a build edit), applies the
 * edits and the overlay, and writes a go.mod that replaces the module with the copy; returns that go.mod's path.
 */
function prepareEditedModule(buildDir: string): string {
  const listed = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', ferretdbModule], {
    cwd: sourceDir,
    encoding: 'utf8',
  });
  const moduleDir = listed.stdout.trim();
  if (listed.status !== 0 || moduleDir === '' || !fs.existsSync(path.join(moduleDir, 'go.mod'))) {
    throw new Error(
      `FerretDB's source is not in Go's module cache (go list: ${listed.stderr.trim() || 'no directory'})`,
    );
  }
  const moduleCopy = path.join(buildDir, 'FerretDB');
  fs.cpSync(moduleDir, moduleCopy, { recursive: true });
  // The module cache is read-only; the copy must not be, or the next build cannot delete it.
  spawnSync('chmod', ['-R', 'u+w', moduleCopy]);
  for (const edit of ferretdbSourceEdits) {
    const edited = path.join(moduleCopy, edit.file);
    const source = fs.readFileSync(edited, 'utf8');
    if (source.split(edit.find).length !== 2) {
      throw new Error(`a FerretDB edit no longer applies: ${edit.file} changed upstream`);
    }
    fs.chmodSync(edited, 0o644);
    fs.writeFileSync(
      edited,
      source.replace(edit.find, () => edit.replace),
    );
  }
  for (const file of overlayFiles()) {
    const target = path.join(moduleCopy, path.relative(overlayDir, file));
    if (fs.existsSync(target)) throw new Error(`an overlay file would replace FerretDB's own ${target}`);
    fs.copyFileSync(file, target);
  }
  const goMod = path.join(buildDir, 'go.mod');
  fs.writeFileSync(
    goMod,
    `${fs.readFileSync(path.join(sourceDir, 'go.mod'), 'utf8')}\nreplace ${ferretdbModule} => ${moduleCopy}\n`,
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
  const downloaded = spawnSync('go', ['mod', 'download', ferretdbModule], {
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
function forwardErrors(stderr: Readable, onLogLine?: (line: string) => void): void {
  const lines = readline.createInterface({ input: stderr });
  if (onLogLine) {
    lines.on('line', onLogLine);
    return;
  }
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
  /** host:port (a free loopback port by default), or the path of a Unix socket (`/...sock`). */
  listen?: string | undefined;
  /** Store everything in this PostgreSQL database instead of SQLite. */
  postgresqlUrl?: string | undefined;
  /** FerretDB's log lines, at debug level (each SQL statement it runs), instead of its errors on our stderr. */
  onDebugLogLine?: (line: string) => void;
  /** Gives up the start when aborted: FerretDB is stopped, even in the middle of an index rebuild. */
  signal?: AbortSignal | undefined;
}

/** A `listen` naming a Unix socket: the MongoDB driver takes a host ending in `.sock` as one. */
export function isSocketPath(listen: string): boolean {
  return listen.startsWith('/') && listen.endsWith('.sock');
}

/** The URI of a server on a Unix socket: its path, encoded, in the host part. */
export function socketUri(socketPath: string): string {
  return `mongodb://${encodeURIComponent(socketPath)}/`;
}

/** A socket a killed FerretDB left would refuse the new listener (address in use); anything else stays. */
function removeStaleSocket(socketPath: string): void {
  const found = fs.lstatSync(socketPath, { throwIfNoEntry: false });
  if (found?.isSocket()) fs.rmSync(socketPath);
}

/** Starts the embedded FerretDB on a free loopback port (or `listen`); it exits with us. */
export async function startFerretdb(options: FerretdbOptions): Promise<DatabaseEngine> {
  const { dataDir, listen = '127.0.0.1:0', postgresqlUrl, onDebugLogLine, signal } = options;
  signal?.throwIfAborted();
  const binary = ensureFerretdbBinary();
  try {
    makeDirectory(dataDir);
    // The data files are the data: no other user reads them (there is no engine login to pass).
    fs.chmodSync(dataDir, 0o700);
  } catch (error) {
    const { code, path: at } = error as NodeJS.ErrnoException;
    throw new Error(
      `cannot make the data directory ${dataDir} (${code} at ${at}): set DATA_DIR to a writable directory`,
      { cause: error },
    );
  }
  const logLevel = onDebugLogLine ? 'debug' : 'error';
  const socketPath = isSocketPath(listen) ? listen : undefined;
  if (socketPath) removeStaleSocket(socketPath);
  const listenArgs = socketPath ? ['-listen-unix', socketPath] : ['-listen', listen];
  const args = [...listenArgs, '-data', dataDir, '-watch-stdin', '-log-level', logLevel];
  // The URL goes through the environment, so a password in it is not on the command line (ps).
  const child = spawn(binary, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, FERRETDB_POSTGRESQL_URL: postgresqlUrl ?? '' },
  });
  forwardErrors(child.stderr!, onDebugLogLine);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
  );

  // FerretDB exits at once on SIGTERM while it opens its data, rolling back a rebuild under way.
  const abandon = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', abandon, { once: true });
  const uri = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('FerretDB did not start within 30 s')), 30_000);
    lines.on('line', (line) => {
      const match = /^ready (mongodb:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(socketPath ? socketUri(socketPath) : match[1]!);
      } else if (/^rebuil(ding|t) index /.test(line)) {
        // A data directory another build wrote: its indexes take as long as the tables are large (an
        // index that cannot be rebuilt is kept as it was, and FerretDB says so on standard error).
        if (line.startsWith('rebuilding')) clearTimeout(timer);
        console.log(`FerretDB: ${line}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FerretDB exited during start (code ${code})`));
    });
  }).finally(() => signal?.removeEventListener('abort', abandon));

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
