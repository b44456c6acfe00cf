import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config';
import { schemaFiles } from '../schema-files';

/** `npm run schema` writes schema/*.graphql; `--check` fails when the files differ from the code. */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [file, content] of Object.entries(await schemaFiles())) {
    const target = path.join(projectRoot, 'schema', file);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (current === content) continue;
    if (check) stale.push(file);
    else fs.writeFileSync(target, content);
  }
  if (stale.length > 0) {
    console.error(`schema/ is stale (${stale.join(', ')}): run "npm run schema" and commit the result`);
    process.exit(1);
  }
  console.log(check ? 'schema/ is up to date' : 'schema/ written');
}

void main();
