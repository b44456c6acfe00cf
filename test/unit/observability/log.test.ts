import { createLog, type LogLevel } from '../../../src/observability/log';
import { requestScope } from '../../../src/observability/request-scope';

function capture(level?: string) {
  const lines: { line: Record<string, unknown>; level: LogLevel }[] = [];
  const log = createLog('mall', {
    level,
    out: (line, at) => lines.push({ line: JSON.parse(line), level: at }),
  });
  return { log, lines };
}

describe('JSON logs', () => {
  test('one object per line: time, level, service, message, the request id of the request it runs in', () => {
    const { log, lines } = capture();
    requestScope.run({ requestId: 'req-1', startedAtMs: 0, path: '/' }, () =>
      log.info('request', { status: 200 }),
    );
    log.warn('outside');
    expect(lines[0]!.line).toEqual({
      time: expect.any(String),
      level: 'info',
      service: 'mall',
      msg: 'request',
      requestId: 'req-1',
      status: 200,
    });
    expect(new Date(lines[0]!.line.time as string).toISOString()).toBe(lines[0]!.line.time);
    expect(lines[1]!.line).not.toHaveProperty('requestId');
  });

  test('an error becomes searchable fields, and bigints survive', () => {
    const { log, lines } = capture();
    const error = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    log.error('failed', { error, sequence: 12n });
    expect(lines[0]).toMatchObject({
      level: 'error',
      line: {
        msg: 'failed',
        error: 'connection refused',
        errorName: 'Error',
        errorCode: 'ECONNREFUSED',
        sequence: '12',
      },
    });
  });

  test('LOG_LEVEL drops what is below it; an unknown level means info', () => {
    const warnOnly = capture('warn');
    warnOnly.log.info('dropped');
    warnOnly.log.debug('dropped');
    warnOnly.log.error('kept');
    expect(warnOnly.lines.map(({ line }) => line.msg)).toEqual(['kept']);
    const unknown = capture('loud');
    unknown.log.debug('dropped');
    unknown.log.info('kept');
    expect(unknown.lines.map(({ line }) => line.msg)).toEqual(['kept']);
  });
});
