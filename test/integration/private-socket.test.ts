import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { privateSocket } from '../../src/runtime/private-socket';

/** The production engine's socket directory, on the real file system (under a directory of the test's own). */
describe('private socket directories', () => {
  let parent: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'socket-sweep-'));
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));
  const directoryOf = (name: string, ownerPid?: number) => {
    const directory = path.join(parent, name);
    fs.mkdirSync(directory, { mode: 0o700 });
    fs.writeFileSync(path.join(directory, 'ferretdb.sock'), '');
    if (ownerPid !== undefined)
      fs.writeFileSync(path.join(directory, 'owner.pid'), `${ownerPid} ${ownNamespace}`);
    return directory;
  };

  const ownNamespace = fs.readlinkSync('/proc/self/ns/pid');

  test("a new start sweeps the directory a launcher killed with -9 left, and no one else's", () => {
    // A process that has exited: its pid names no live process (a launcher killed with -9).
    const gone = spawnSync('true').pid;
    const left = directoryOf('creditgraph-left01', gone);
    const live = directoryOf('creditgraph-live01', process.pid);
    const bench = directoryOf('creditgraph-bench-gateway-x1');
    // The same dead pid in another pid namespace (a container sharing the directory) is not judged.
    const elsewhere = directoryOf('creditgraph-other-ns1');
    fs.writeFileSync(path.join(elsewhere, 'owner.pid'), `${gone} pid:[1]`);
    const socket = privateSocket('ferretdb.sock', parent);
    expect(fs.existsSync(left)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(bench)).toBe(true);
    expect(fs.existsSync(elsewhere)).toBe(true);
    // The new directory names its owner, for the start after a kill -9 of this one.
    const made = path.dirname(socket.socketPath);
    expect(path.dirname(made)).toBe(parent);
    expect(fs.readFileSync(path.join(made, 'owner.pid'), 'utf8')).toBe(`${process.pid} ${ownNamespace}`);
    expect(fs.statSync(made).mode & 0o777).toBe(0o700);
    socket.remove();
    expect(fs.readdirSync(parent).sort()).toEqual([
      'creditgraph-bench-gateway-x1',
      'creditgraph-live01',
      'creditgraph-other-ns1',
    ]);
  });
});
