import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDirectory } from '../../src/runtime/make-directory';

describe('makeDirectory (DATA_DIR and the engine data directory)', () => {
  test('makes every missing level, and again is a no-op', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'make-directory-'));
    try {
      const deep = path.join(root, 'a', 'b', 'c');
      makeDirectory(deep);
      expect(fs.statSync(deep).isDirectory()).toBe(true);
      makeDirectory(deep);
      expect(fs.readdirSync(path.join(root, 'a'))).toEqual(['b']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('under /proc it throws at once (Node recursive mkdir never returns there)', () => {
    expect(() => makeDirectory('/proc/creditgraph-data/ferretdb')).toThrow(
      expect.objectContaining({ code: 'ENOENT', path: '/proc/creditgraph-data' }),
    );
  });

  test('under a file it throws ENOTDIR', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'make-directory-'));
    try {
      fs.writeFileSync(path.join(root, 'file'), '');
      expect(() => makeDirectory(path.join(root, 'file', 'data'))).toThrow(
        expect.objectContaining({ code: 'ENOTDIR' }),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
