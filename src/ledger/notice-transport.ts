import { Redis } from 'ioredis';
import { isLedgerNotice, type LedgerNotice, type LedgerNotices } from './ledger-notices';

const channel = 'creditgraph:ledger-notices';

/**
 * Carries ledger notices between processes: through Redis pub/sub when a URL is given (any number of
 * hosts), else through the launcher's IPC relay (the embedded default: one machine, one launcher).
 * Returns a function that closes it.
 */
export async function connectNoticeTransport(
  notices: LedgerNotices,
  redisUrl: string | undefined,
): Promise<() => Promise<void>> {
  if (redisUrl) {
    // Reconnects by itself; notices sent while Redis is down are lost, which readers' timers cover.
    const publisher = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const subscriber = new Redis(redisUrl, { lazyConnect: true });
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(channel);
    subscriber.on('message', (_channel: string, text: string) => {
      const notice = parse(text);
      if (notice) notices.deliver(notice);
    });
    notices.relayTo((notice) => {
      publisher.publish(channel, JSON.stringify(notice)).catch(() => undefined);
    });
    // Redis echoes our own notices back: delivering twice only wakes a reader twice.
    return async () => {
      notices.relayTo(undefined);
      subscriber.disconnect();
      publisher.disconnect();
    };
  }
  if (!process.send) return async () => undefined;
  const onMessage = (message: unknown) => {
    if (isLedgerNotice(message)) notices.deliver({ lineId: message.lineId, sequence: message.sequence });
  };
  process.on('message', onMessage);
  notices.relayTo((notice) => {
    if (process.connected) process.send!({ type: 'ledger-notice', ...notice });
  });
  return async () => {
    notices.relayTo(undefined);
    process.off('message', onMessage);
  };
}

function parse(text: string): LedgerNotice | undefined {
  try {
    const value = { type: 'ledger-notice', ...(JSON.parse(text) as object) };
    return isLedgerNotice(value) ? { lineId: value.lineId, sequence: value.sequence } : undefined;
  } catch {
    return undefined;
  }
}
