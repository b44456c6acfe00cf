import { Redis } from 'ioredis';
import type { GatewayLimits } from '../config';

/** Counts requests per key in fixed one-minute windows: each key's count after this request. */
export interface RequestCounter {
  hit(keys: readonly string[], nowMs: number): Promise<number[]>;
  close(): Promise<void>;
}

const windowMs = 60_000;
/** A Redis slower than this counts the request in this process instead of holding it up. */
const redisTimeoutMs = 100;

/** One process: a map of this minute's counts (the previous minute's are dropped as it turns). */
export class MemoryRequestCounter implements RequestCounter {
  private window = -1;
  private counts = new Map<string, number>();

  async hit(keys: readonly string[], nowMs: number): Promise<number[]> {
    const window = Math.floor(nowMs / windowMs);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    return keys.map((key) => {
      const count = (this.counts.get(key) ?? 0) + 1;
      this.counts.set(key, count);
      return count;
    });
  }

  async close(): Promise<void> {}
}

/**
 * Shared by every gateway process through Redis: one MULTI per request, INCR on a key per minute
 * that expires with it. If Redis fails or is slow, the request is counted by this process alone
 * (the limit then holds per process) rather than refused or held up.
 */
export class RedisRequestCounter implements RequestCounter {
  private readonly redis: Redis;
  private readonly fallback = new MemoryRequestCounter();

  constructor(url: string) {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      commandTimeout: redisTimeoutMs,
    });
    this.redis.on('error', () => {}); // a Redis outage falls back per process; no log per request
  }

  async hit(keys: readonly string[], nowMs: number): Promise<number[]> {
    const window = Math.floor(nowMs / windowMs);
    try {
      const multi = this.redis.multi();
      for (const key of keys) {
        const redisKey = `creditgraph:rate:${window}:${key}`;
        multi.incr(redisKey).pexpire(redisKey, windowMs * 2);
      }
      const replies = (await multi.exec()) ?? [];
      const counts = keys.map((_, index) => replies[index * 2]);
      if (counts.some((reply) => !reply || reply[0] || typeof reply[1] !== 'number'))
        throw new Error('rate counter: Redis refused a count');
      return counts.map((reply) => reply![1] as number);
    } catch {
      return this.fallback.hit(keys, nowMs);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * Counts one request of a caller against the per-minute limits per client address and per viewer
 * (0 = off); the seconds until the minute turns when one is passed, else undefined. HTTP requests
 * and graphql-ws subscribe messages both count here.
 */
export async function rateLimitRetryAfterSeconds(
  counter: RequestCounter,
  limits: Pick<GatewayLimits, 'viewerRequestsPerMinute' | 'addressRequestsPerMinute'>,
  caller: { viewer: { userId: string } | undefined; address: string | undefined },
  nowMs: number,
): Promise<number | undefined> {
  const checks = (
    [
      [caller.address && `ip:${caller.address}`, limits.addressRequestsPerMinute],
      [caller.viewer && `viewer:${caller.viewer.userId}`, limits.viewerRequestsPerMinute],
    ] as const
  ).filter((check): check is [string, number] => Boolean(check[0]) && check[1] > 0);
  if (checks.length === 0) return undefined;
  const counts = await counter.hit(
    checks.map(([key]) => key),
    nowMs,
  );
  if (!counts.some((count, index) => count > checks[index]![1])) return undefined;
  return Math.ceil((windowMs - (nowMs % windowMs)) / 1000);
}
