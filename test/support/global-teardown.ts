import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.testEngine?.stop();
  if (globalThis.testEngineDir) fs.rmSync(globalThis.testEngineDir, { recursive: true, force: true });
}
