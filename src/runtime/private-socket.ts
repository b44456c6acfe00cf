import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const socketDirectoryPrefix = 'creditgraph-';
/** The pid of the process that made a socket directory: one left by a process killed with -9 is swept. */
const ownerFileName = 'owner.pid';

/** A socket path must fit `sun_path` (108 bytes with its final NUL on Linux), with room to spare. */
const socketPathMaxBytes = 100;

export interface PrivateSocket {
  socketPath: string;
  /** Removes the socket's directory (at stop; a socket left by a crash goes with it). */
  remove(): void;
}

/**
 * Where the embedded engine listens in production (it has no login): a private socket; elsewhere
 * (local mode, or a MONGODB_URI server that is not ours to run) none.
 */
export function embeddedEngineSocket(config: {
  mode: 'local' | 'production';
  mongodbUri?: string | undefined;
}): PrivateSocket | undefined {
  return config.mode === 'production' && !config.mongodbUri ? privateSocket('ferretdb.sock') : undefined;
}

/**
 * A Unix socket path in a new directory of its own under the temporary directory, which only this
 * user may enter (mkdtemp makes it 0700): a server listening there is out of other users' reach,
 * where a loopback port is open to every process on the machine.
 */
export function privateSocket(fileName: string, parent = os.tmpdir()): PrivateSocket {
  sweepLeftSocketDirectories(parent);
  const directory = fs.mkdtempSync(path.join(parent, socketDirectoryPrefix));
  fs.chmodSync(directory, 0o700);
  fs.writeFileSync(path.join(directory, ownerFileName), ownerOf(process.pid));
  const socketPath = path.join(directory, fileName);
  if (Buffer.byteLength(socketPath) > socketPathMaxBytes) {
    fs.rmSync(directory, { recursive: true, force: true });
    throw new Error(
      `the database socket path ${socketPath} is longer than ${socketPathMaxBytes} bytes: set TMPDIR to a shorter directory`,
    );
  }
  return { socketPath, remove: () => fs.rmSync(directory, { recursive: true, force: true }) };
}

/**
 * Removes socket directories of this user whose owner process is gone (a launcher killed with -9
 * cannot remove its own). Only directories with an owner file: others under the prefix (benchmarks'
 * data, older builds' sockets) are not ours to judge. A live owner, or one of another user, stays.
 */
function sweepLeftSocketDirectories(parent: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return; // Not readable: mkdtemp says why.
  }
  const ownNamespace = pidNamespace();
  for (const name of names) {
    if (!name.startsWith(socketDirectoryPrefix)) continue;
    const directory = path.join(parent, name);
    try {
      const stat = fs.lstatSync(directory);
      if (!stat.isDirectory() || stat.uid !== process.getuid?.()) continue;
      const [pidText, namespace = ''] = fs
        .readFileSync(path.join(directory, ownerFileName), 'utf8')
        .split(' ');
      const ownerPid = Number(pidText);
      // A pid means this process only in its own pid namespace (a container sharing the directory).
      if (namespace !== ownNamespace) continue;
      if (!Number.isSafeInteger(ownerPid) || ownerPid <= 0 || isAlive(ownerPid)) continue;
      fs.rmSync(directory, { recursive: true, force: true });
    } catch {
      // No owner file, or gone meanwhile: not one to sweep.
    }
  }
}

/** What an owner file holds: the pid and the pid namespace it means something in. */
function ownerOf(pid: number): string {
  return `${pid} ${pidNamespace()}`;
}

/** This process's pid namespace (Linux: `pid:[4026531836]`), empty where there is none to read. */
function pidNamespace(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
