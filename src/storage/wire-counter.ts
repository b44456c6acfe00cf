import net from 'node:net';

/** Commands a driver sends on its own (monitoring, sessions), not on behalf of the application. */
const housekeeping = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'endSessions',
  'buildInfo',
  'saslStart',
]);

export interface WireCounter {
  /** The server URI to connect through (same database path and options as the target). */
  uri: string;
  /** Application commands seen since the last reset, in order (e.g. "find", "insert", "update"). */
  commands(): string[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a MongoDB-wire server that counts the messages the application sends:
 * it reads each OP_MSG header and the first field of its body, which is the command name.
 */
export async function startWireCounter(targetUri: string): Promise<WireCounter> {
  const target = new URL(targetUri);
  let seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const command = commandName(pending.subarray(0, length));
        if (command && !housekeeping.has(command)) seen.push(command);
        pending = pending.subarray(length);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const uri = new URL(targetUri);
  uri.hostname = '127.0.0.1';
  uri.port = String(port);
  return {
    uri: uri.toString(),
    commands: () => [...seen],
    reset: () => void (seen = []),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** OP_MSG (2013): flags, then a kind-0 section whose BSON document's first key is the command. */
function commandName(message: Buffer): string | undefined {
  if (message.readInt32LE(12) !== 2013 || message[20] !== 0) return undefined;
  const nameStart = 21 + 4 + 1; // section kind, document size, element type
  const nameEnd = message.indexOf(0, nameStart);
  return nameEnd > nameStart ? message.toString('utf8', nameStart, nameEnd) : undefined;
}
