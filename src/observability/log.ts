import { trace } from '@opentelemetry/api';
import { requestScope } from './request-scope';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A level the logs (and the gateway runtime, which reads LOG_LEVEL too) know, spelt as they take it. */
export function isLogLevel(level: string): level is LogLevel {
  return Object.hasOwn(levelRank, level);
}

export type LogFields = Record<string, unknown>;

export interface Log {
  readonly service: string;
  enabled(level: LogLevel): boolean;
  write(level: LogLevel, msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function logLevelFrom(raw: string | undefined): LogLevel {
  const level = raw?.trim().toLowerCase();
  return level && level in levelRank ? (level as LogLevel) : 'info';
}

/** An error as fields a log reader can search, its stack included (logs are for operators only). */
function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.message,
    errorName: error.name,
    ...(code !== undefined ? { errorCode: code } : {}),
    stack: error.stack,
  };
}

/** A replacer makes each line about 1.5x slower to write: it is used only for a record with a bigint. */
function jsonLine(record: LogFields): string {
  try {
    return JSON.stringify(record);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(record, (_key, value: unknown) =>
      typeof value === 'bigint' ? String(value) : value,
    );
  }
}

let closedOutputsTolerated = false;

/**
 * A log reader that went away (the pipe `npm start | ...` was read through closed) must not end
 * the process with an unhandled EPIPE: the lines are dropped and the service keeps serving.
 */
function tolerateClosedOutputs(): void {
  if (closedOutputsTolerated) return;
  closedOutputsTolerated = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

/**
 * One JSON object per line on stdout (errors on stderr), with the request id and trace of the
 * request it was written in: `{"time","level","service","msg",requestId,traceId,spanId,...}`.
 */
export function createLog(
  service: string,
  options: { level?: string | undefined; out?: (line: string, level: LogLevel) => void } = {},
): Log {
  const minimum = levelRank[logLevelFrom(options.level ?? process.env.LOG_LEVEL)];
  if (!options.out) tolerateClosedOutputs();
  const out =
    options.out ??
    ((line: string, level: LogLevel) =>
      (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`));
  const write = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (levelRank[level] < minimum) return;
    const scope = requestScope.getStore();
    const span = trace.getActiveSpan()?.spanContext();
    const { error, ...rest } = fields;
    const record: LogFields = {
      time: new Date().toISOString(),
      level,
      service,
      msg,
      ...(scope ? { requestId: scope.requestId } : {}),
      ...(span && span.traceFlags & 1 ? { traceId: span.traceId, spanId: span.spanId } : {}),
      ...rest,
      ...(error !== undefined ? errorFields(error) : {}),
    };
    out(jsonLine(record), level);
  };
  return {
    service,
    enabled: (level) => levelRank[level] >= minimum,
    write,
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

let processLog: Log | undefined;

/** This process's log; its service name is set once at start (`useProcessLog`). */
export function log(): Log {
  return (processLog ??= createLog(process.env.SERVICE_NAME ?? 'creditgraph'));
}

export function useProcessLog(service: string): Log {
  processLog = createLog(service);
  return processLog;
}
