import net, { type AddressInfo, type Server } from 'node:net';

/** A port another process holds: said plainly, without a stack (nothing here is a bug). */
export class PortInUseError extends Error {
  constructor(port: number, host: string) {
    super(
      `port ${port} on ${host} is in use: stop what holds it (another npm start?) ` +
        'or choose other ports (PORT, SUBGRAPH_BASE_PORT, LAUNCHER_METRICS_PORT)',
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Listens, or fails at once with a plain reason. Without its own error listener a server whose
 * port is taken stays silent (the WebSocket server attached to it swallows the error) until the
 * launcher's start timeout.
 */
export function listen(
  server: Server,
  options: { port: number; host: string; backlog: number },
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port, options.host) : error);
    };
    server.once('error', failed);
    server.listen(options, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Fails with `PortInUseError` when one of these fixed ports (0 = any, skipped) is taken, before
 * anything starts: a second `npm start` must not open the database the first one holds.
 */
export async function ensurePortsFree(ports: readonly { port: number; host: string }[]): Promise<void> {
  for (const { port, host } of ports) {
    if (port === 0) continue;
    const probe = net.createServer();
    await listen(probe, { port, host, backlog: 1 });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}
