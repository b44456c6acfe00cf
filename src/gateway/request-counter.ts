import { Redis } from 'ioredis';

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
