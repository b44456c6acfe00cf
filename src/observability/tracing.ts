import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Where spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

export interface Tracing {
  /** Spans are recorded and exported (an OTLP endpoint is configured). */
  enabled: boolean;
  /** Sends what is still buffered. */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/**
 * OpenTelemetry for this process: W3C trace context in and out, spans batched to OTLP/HTTP when an
 * endpoint is set. Without one nothing is recorded, so tracing costs nothing by default.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (current) return current;
  const url = otlpTracesUrl(env);
  if (!url) return (current = { enabled: false, shutdown: async () => {} });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.namespace': 'creditgraph' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  trace.setGlobalTracerProvider(provider);
  return (current = { enabled: true, shutdown: () => provider.shutdown() });
}

export function tracingEnabled(): boolean {
  return current?.enabled ?? false;
}

export function tracer(): Tracer {
  return trace.getTracer('creditgraph');
}
