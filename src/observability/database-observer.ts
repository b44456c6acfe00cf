import { performance } from 'node:perf_hooks';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Connection } from 'mongoose';
import { databaseCommandDurationSeconds, databaseCommandsTotal } from './metrics';
import { tracer, tracingEnabled } from './tracing';

interface CommandEvent {
  commandName: string;
  requestId: number;
  connectionId?: string | number;
  databaseName?: string;
  command?: Record<string, unknown>;
}

const commandLabels = new Set([
  'find',
  'insert',
  'update',
  'delete',
  'aggregate',
  'count',
  'findAndModify',
  'getMore',
  'ping',
  'createIndexes',
  'create',
  'listCollections',
  'listIndexes',
  'hello',
  'isMaster',
  'endSessions',
]);

/**
 * A span and metrics per database command, from the driver's command monitoring (the connection
 * must be opened with `monitorCommands`). The span's parent is whatever request sent the command.
 */
export function observeDatabase(connection: Connection): void {
  const started = new Map<string, { span: Span | undefined; atMs: number; command: string }>();
  const keyOf = (event: CommandEvent) => `${event.connectionId ?? ''}:${event.requestId}`;
  const client = connection.getClient();
  client.on('commandStarted', (event: CommandEvent) => {
    const command = commandLabels.has(event.commandName) ? event.commandName : 'other';
    const collection = event.command?.[event.commandName];
    const span = tracingEnabled()
      ? tracer().startSpan(
          typeof collection === 'string' ? `${event.commandName} ${collection}` : event.commandName,
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'db.system.name': 'mongodb',
              'db.operation.name': event.commandName,
              ...(typeof collection === 'string' ? { 'db.collection.name': collection } : {}),
              ...(event.databaseName ? { 'db.namespace': event.databaseName } : {}),
            },
          },
        )
      : undefined;
    started.set(keyOf(event), { span, atMs: performance.now(), command });
  });
  const finish = (event: CommandEvent, failure?: { message?: string }) => {
    const key = keyOf(event);
    const entry = started.get(key);
    if (!entry) return;
    started.delete(key);
    databaseCommandsTotal.inc({ command: entry.command, outcome: failure ? 'failed' : 'ok' });
    databaseCommandDurationSeconds.observe(
      { command: entry.command },
      (performance.now() - entry.atMs) / 1000,
    );
    if (failure) entry.span?.setStatus({ code: SpanStatusCode.ERROR, message: failure.message ?? 'failed' });
    entry.span?.end();
  };
  client.on('commandSucceeded', (event: CommandEvent) => finish(event));
  client.on('commandFailed', (event: CommandEvent & { failure?: { message?: string } }) =>
    finish(event, event.failure ?? {}),
  );
}
