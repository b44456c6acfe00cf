import type { LogLevel as HiveLogLevel, LogWriter } from '@graphql-hive/logger';
import type { Log } from '../observability/log';

/** The gateway runtime's own logs in this product's JSON line format. */
export class JsonLogWriter implements LogWriter {
  constructor(private readonly log: Log) {}

  write(
    level: HiveLogLevel,
    attrs: Record<string, unknown> | unknown[] | null | undefined,
    msg: string | null | undefined,
  ): void {
    const fields = attrs && !Array.isArray(attrs) ? attrs : attrs ? { attrs } : {};
    // The runtime logs an error as its fields alone: its message becomes the line's.
    const message = msg || (typeof fields.message === 'string' ? fields.message : '');
    this.log.write(level === 'trace' ? 'debug' : level, message, fields);
  }
}
