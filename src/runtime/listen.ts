import type { AddressInfo, Server } from 'node:net';

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
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port} on ${options.host} is in use: stop what holds it (another npm start?) ` +
                'or choose other ports (PORT, SUBGRAPH_BASE_PORT)',
            )
          : error,
      );
    };
    server.once('error', failed);
    server.listen(options, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}
