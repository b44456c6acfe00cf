import { gatewayV8Flags, loadConfig } from '../../src/config';

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

describe('settings are read strictly', () => {
  test('a number is plain digits: spaces, exponents, hex, decimals and signs are refused, naming the setting', () => {
    for (const bad of [' 5', '5 ', '1e1', '0x10', '5.0', '+5', '-0', '１２'])
      expect(() => loadConfig({ MAX_DEPTH: bad })).toThrow(
        `MAX_DEPTH must be a positive integer, got "${bad}"`,
      );
    expect(loadConfig({ MAX_DEPTH: '7' }).limits.maxDepth).toBe(7);
    expect(loadConfig({ MAX_DEPTH: '' }).limits.maxDepth).toBe(12);
  });

  test('0 is refused where it would have been read as another value', () => {
    expect(() => loadConfig({ GATEWAY_PROCESSES: '0' })).toThrow(
      'GATEWAY_PROCESSES must be a count (1-16), got "0"',
    );
    expect(() => loadConfig({ GATEWAY_SEMI_SPACE_MB: '0' })).toThrow(
      'GATEWAY_SEMI_SPACE_MB must be megabytes (1-256), got "0"',
    );
    expect(() => loadConfig({ BILL_UPDATES_POLL_MS: '0' })).toThrow(
      'BILL_UPDATES_POLL_MS must be milliseconds (1-3600000), got "0"',
    );
  });

  test('a misspelt APP_MODE does not start local mode; flags are 1 or 0', () => {
    expect(() => loadConfig({ APP_MODE: 'prod' })).toThrow(
      'APP_MODE must be production or local, got "prod"',
    );
    expect(loadConfig({ APP_MODE: 'local' }).mode).toBe('local');
    expect(() => loadConfig({ GATEWAY_OPTIMIZE_FOR_SIZE: 'false' })).toThrow(
      'GATEWAY_OPTIMIZE_FOR_SIZE must be 1 (on) or 0 (off), got "false"',
    );
    expect(loadConfig({ GATEWAY_OPTIMIZE_FOR_SIZE: '1' }).gatewayOptimizeForSize).toBe(true);
    expect(loadConfig({}).gatewayOptimizeForSize).toBe(false);
    expect(loadConfig({ TRUST_CLIENT_TRACEPARENT: '1' }).trustClientTraceContext).toBe(true);
  });
});

describe('ports worked out from others, log level, secrets', () => {
  test('a PORT whose derived ports pass 65535 is refused, naming the port that does not fit', () => {
    expect(() => loadConfig({ PORT: '65500' })).toThrow(
      'the ports do not fit: the launcher metrics (LAUNCHER_METRICS_PORT, PORT + 99 by default) would be 65599, above 65535',
    );
    expect(loadConfig({ PORT: '65500', LAUNCHER_METRICS_PORT: '9100' }).gatewayPort).toBe(65500);
    expect(() => loadConfig({ SUBGRAPH_BASE_PORT: '65534' })).toThrow(
      'the last subgraph (SUBGRAPH_BASE_PORT + 3) would be 65537',
    );
    expect(() =>
      loadConfig({ PORT: '65400', LAUNCHER_METRICS_PORT: '9100', GATEWAY_PROCESSES: '16' }),
    ).not.toThrow();
    expect(() =>
      loadConfig({
        PORT: '65520',
        LAUNCHER_METRICS_PORT: '9100',
        SUBGRAPH_BASE_PORT: '9000',
        GATEWAY_PROCESSES: '16',
      }),
    ).toThrow('the last gateway process (PORT + 5 + GATEWAY_PROCESSES - 1) would be 65540');
  });

  test('LOG_LEVEL is one of the four levels (the gateway runtime stops on any other)', () => {
    for (const bad of ['verbose', 'WARN', ' info'])
      expect(() => loadConfig({ LOG_LEVEL: bad })).toThrow(
        `LOG_LEVEL must be debug, info, warn or error, got "${bad}"`,
      );
    expect(() => loadConfig({ LOG_LEVEL: 'warn' })).not.toThrow();
  });

  test('a short secret in local mode is refused as such, not as a production rule', () => {
    expect(() => loadConfig({ AUTH_SECRET: 'short' })).toThrow(
      'AUTH_SECRET must be 16+ characters (or unset in local mode, for the dev secret)',
    );
  });

  test('the gateway processes V8 flags: a mid-sized nursery and a low heap growth by default, each adjustable', () => {
    // README "Performance": --optimize-for-size halved the throughput; these keep the RSS target.
    expect(gatewayV8Flags(loadConfig({}))).toEqual(['--max-semi-space-size=8', '--heap-growing-percent=20']);
    expect(
      gatewayV8Flags(
        loadConfig({
          GATEWAY_SEMI_SPACE_MB: '2',
          GATEWAY_HEAP_GROWING_PERCENT: '0',
          GATEWAY_OPTIMIZE_FOR_SIZE: '1',
        }),
      ),
    ).toEqual(['--max-semi-space-size=2', '--optimize-for-size']);
    expect(() => loadConfig({ GATEWAY_HEAP_GROWING_PERCENT: '-5' })).toThrow(/GATEWAY_HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ GATEWAY_HEAP_GROWING_PERCENT: '1001' })).toThrow(
      /GATEWAY_HEAP_GROWING_PERCENT/,
    );
  });
});
