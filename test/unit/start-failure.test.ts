import { startFailureReason } from '../../src/runtime/start-failure';

describe('a start failure is told in one readable line', () => {
  test("the engine's Go call frames and line breaks are left out", () => {
    const engine = new Error(
      '[msg_create.go:137 handler.(*Handler).MsgCreate] [pool.go:129 pool.(*Pool).Get] failed to connect to `user=nobody database=x`:\n\t127.0.0.1:1 (127.0.0.1): dial error: connection refused',
    );
    expect(startFailureReason(engine)).toBe(
      'failed to connect to `user=nobody database=x`: 127.0.0.1:1 (127.0.0.1): dial error: connection refused',
    );
  });

  test('a long reason is cut at 400 characters; a bare value or an empty message still says something', () => {
    const long = startFailureReason(new Error('x'.repeat(1_000)));
    expect(long).toHaveLength(400);
    expect(long.endsWith('...')).toBe(true);
    expect(startFailureReason('disk full')).toBe('disk full');
    expect(startFailureReason(new TypeError(''))).toBe('TypeError');
  });
});
