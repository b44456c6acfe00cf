import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  for (const engine of globalThis.testEngines ?? []) await engine.stop();
  if (globalThis.testEngineDir) fs.rmSync(globalThis.testEngineDir, { recursive: true, force: true });
}
