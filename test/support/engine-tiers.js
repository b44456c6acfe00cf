// Which engines the integration tier runs on, decided once for jest.config.js and the global setup.
const { spawnSync } = require('node:child_process');

const goAvailable = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;

/**
 * The PostgreSQL URL for the integration-postgresql project, or undefined when it does not run:
 * MONGODB_URI set (everything runs on that server), no Go (no embedded FerretDB), or
 * TEST_FERRETDB_POSTGRESQL_URL=off.
 */
function postgresqlTierUrl() {
  const setting = process.env.TEST_FERRETDB_POSTGRESQL_URL;
  if (process.env.MONGODB_URI || !goAvailable || setting === 'off') return undefined;
  return setting || 'postgres://postgres@127.0.0.1:5432/postgres';
}

module.exports = { goAvailable, postgresqlTierUrl };
