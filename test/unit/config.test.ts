import { loadConfig } from '../../src/config';

describe('DUE_JOBS_EVERY_MINUTES', () => {
  const production = {
    APP_MODE: 'production',
    AUTH_SECRET: 'config-test-auth-secret-0123456789',
    GATEWAY_SECRET: 'config-test-gateway-secret-0123456789',
  };

  test('the schedule is on by default in production, off in local mode (jobs by hand)', () => {
    expect(loadConfig(production).dueJobsEveryMinutes).toBe(60);
    expect(loadConfig({}).dueJobsEveryMinutes).toBe(0);
    expect(loadConfig({ DUE_JOBS_EVERY_MINUTES: '5' }).dueJobsEveryMinutes).toBe(5);
  });

  test('0 is refused in production, where nothing else runs the due jobs; a bad value is refused anywhere', () => {
    expect(() => loadConfig({ ...production, DUE_JOBS_EVERY_MINUTES: '0' })).toThrow(
      'DUE_JOBS_EVERY_MINUTES cannot be 0 in production',
    );
    for (const bad of ['abc', '-1', '2000', '1.5'])
      expect(() => loadConfig({ DUE_JOBS_EVERY_MINUTES: bad })).toThrow(
        `DUE_JOBS_EVERY_MINUTES must be minutes (0-1440, 0 = only by hand), got "${bad}"`,
      );
  });
});
