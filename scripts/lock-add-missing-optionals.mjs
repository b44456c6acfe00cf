// The registry this project installs from does not serve every platform's optional binary packages
// (e.g. @swc/core-darwin-arm64 answers 404), so `npm install` leaves them out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. This adds a lock entry for each missing optional
// dependency, marked optional: npm skips it where the platform does not match or it cannot be fetched.
// Run after any `npm install` that changes the lock: `node scripts/lock-add-missing-optionals.mjs`.
import fs from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) continue;
    packages[hoisted] = { version: range.replace(/^[\^~=]/, ''), dev: entry.dev, optional: true };
    if (!entry.dev) delete packages[hoisted].dev;
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} missing optional platform entries`);
