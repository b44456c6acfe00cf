import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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
export function privateSocket(fileName: string): PrivateSocket {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'creditgraph-'));
  fs.chmodSync(directory, 0o700);
  const socketPath = path.join(directory, fileName);
  if (Buffer.byteLength(socketPath) > socketPathMaxBytes) {
    fs.rmSync(directory, { recursive: true, force: true });
    throw new Error(
      `the database socket path ${socketPath} is longer than ${socketPathMaxBytes} bytes: set TMPDIR to a shorter directory`,
    );
  }
  return { socketPath, remove: () => fs.rmSync(directory, { recursive: true, force: true }) };
}
