import { serverAudits } from 'graphql-http';
import { type Stack, startStack } from '../support/stack';
import { serverUri, uniqueDatabaseName } from '../support/test-database';

/**
 * The GraphQL-over-HTTP spec's audit (graphql-http's `serverAudits`, the same one its conformance
 * report runs) against the running gateway, anonymous as the audit sends: every MUST and SHOULD
 * passes, none only warns.
 */
describe('GraphQL over HTTP audit of the gateway', () => {
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack({ MONGODB_URI: serverUri(), DATABASE_NAME: uniqueDatabaseName('audit') });
  });
  afterAll(async () => {
    await stack?.[Symbol.asyncDispose]();
  });

  const audits = serverAudits({ url: () => stack!.url });

  test('the audit has its 61 checks', () => {
    // A new graphql-http with more checks shows here first, so the count below stays what it says.
    expect(audits).toHaveLength(61);
  });

  test.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
  });
});
