/** The integration-postgresql project: its tests talk to the engine global setup started on PostgreSQL. */
const uri = process.env.TEST_SERVER_URI_POSTGRESQL;
if (!uri)
  throw new Error('TEST_SERVER_URI_POSTGRESQL is not set: run tests through jest (global setup starts it)');
process.env.TEST_SERVER_URI = uri;
