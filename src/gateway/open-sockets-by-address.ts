import type { WebSocket } from 'ws';

/** The graphql-ws sockets open per client address (the TCP peer's, as the rate limits count it). */
export class OpenSocketsByAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Why one more socket from `address` is refused, or null (0 = no limit). */
  refusal(address: string | undefined): string | null {
    if (this.maxPerAddress === 0 || (this.open.get(address ?? '') ?? 0) < this.maxPerAddress) return null;
    return `Too many open WebSockets from this address: ${this.maxPerAddress} at most; close one first (one socket holds many subscriptions)`;
  }

  track(socket: WebSocket, address: string | undefined): void {
    const key = address ?? '';
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    socket.once('close', () => {
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    });
  }
}
