/**
 * Three tiers: unit (pure code), integration (real engine), e2e (real processes on real ports). The
 * integration tier runs twice: on the embedded FerretDB's SQLite (the default) and on its PostgreSQL.
 */
const { goAvailable, postgresqlTierUrl } = require('./test/support/engine-tiers');

const transform = { '^.+\\.ts$': ['@swc/jest'] };
/** Tests that build and start an embedded FerretDB on SQLite of their own and read its files. */
const embeddedSqliteOnly = '/ferretdb-(id-index|pushdown-plan)\\.test\\.ts$';
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  transform,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['reflect-metadata'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // It builds and starts the embedded FerretDB itself: without Go there is none to test.
      testPathIgnorePatterns: goAvailable ? [] : [embeddedSqliteOnly],
      setupFiles: ['reflect-metadata'],
    },
    ...(postgresqlTierUrl()
      ? [
          {
            ...common,
            displayName: 'integration-postgresql',
            testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
            // Starts FerretDB instances of its own on SQLite: nothing there depends on the backend.
            testPathIgnorePatterns: [embeddedSqliteOnly],
            setupFiles: ['reflect-metadata', '<rootDir>/test/support/postgresql-backend.ts'],
          },
        ]
      : []),
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], slowTestThreshold: 30 },
  ],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // Generous: e2e flows start 6 processes and walk months of business time on a 2-core machine.
  testTimeout: 120_000,
};
