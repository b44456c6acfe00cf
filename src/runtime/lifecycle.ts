import { log } from '../observability/log';

/** How long a child may take to stop once asked; past it the launcher kills it (SIGKILL). */
export const shutdownGraceMs = 10_000;

/** Ready message a child process sends to its parent over IPC once it serves requests. */
export interface ReadyMessage {
  type: 'ready';
  url: string;
}

/**
 * Runs `stop` once on SIGINT, SIGTERM, or when the parent's IPC channel closes (the parent died,
 * even by SIGKILL), then exits. Keeps children from outliving `npm start`.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    // A stop that hangs must not leave the process holding its port once the launcher is gone:
    // it ends itself a second before the launcher would kill it.
    setTimeout(() => {
      log().error(`shutdown took over ${shutdownGraceMs / 1000 - 1} s; exiting anyway`, { reason });
      process.exit(1);
    }, shutdownGraceMs - 1_000).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log().error('shutdown failed', { reason, error });
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal (the whole group got one, then the launcher sends its own)
  // would otherwise kill the process in the middle of its shutdown.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.once('disconnect', () => shutdown('parent exit'));
}

export function announceReady(url: string): void {
  const message: ReadyMessage = { type: 'ready', url };
  if (process.send) process.send(message);
}
