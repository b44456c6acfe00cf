import { Redis } from 'ioredis';

/** Counts requests per key in fixed one-minute windows; the count after this request. */
export interface RequestCounter {
  hit(key: string, nowMs: number): Promise<number>;
  close(): Promise<void>;
}

const windowMs = 60_000;

/** One process: a map of this minute's counts (the previous minute's are dropped as it turns). */
export class MemoryRequestCounter implements RequestCounter {
  private window = -1;
  private counts = new Map<string, number>();

  async hit(key: string, nowMs: number): Promise<number> {
    const window = Math.floor(nowMs / windowMs);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }

  async close(): Promise<void> {}
}

/**
 * Shared by every gateway process through Redis (INCR on a key per minute, expiring with it). If
 * Redis cannot answer, the request is counted by this process alone rather than refused.
 */
export class RedisRequestCounter implements RequestCounter {
  private readonly redis: Redis;
  private readonly fallback = new MemoryRequestCounter();

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.redis.on('error', () => {}); // a Redis outage falls back per process; no log per request
  }

  async hit(key: string, nowMs: number): Promise<number> {
    const redisKey = `creditgraph:rate:${Math.floor(nowMs / windowMs)}:${key}`;
    try {
      const [[, count]] = (await this.redis
        .multi()
        .incr(redisKey)
        .pexpire(redisKey, windowMs * 2)
        .exec()) as [[Error | null, number]];
      return count;
    } catch {
      return this.fallback.hit(key, nowMs);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
