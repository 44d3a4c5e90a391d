import { subscribe } from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { Config } from '../../config.js';
import { instrumentations } from './instrumentations.js';
import { KeptTracerProvider } from './unkept.js';

type TracingConfig = Config['tracing'];

// OBS-4: the samplers OTEL_TRACES_SAMPLER names. A parent-based one follows the caller's
// decision (the `traceparent` header), so a trace is kept or dropped whole across services.
const samplers = {
  always_on: () => new AlwaysOnSampler(),
  always_off: () => new AlwaysOffSampler(),
  traceidratio: (ratio) => new TraceIdRatioBasedSampler(ratio),
  parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
  parentbased_traceidratio: (ratio) =>
    new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
} satisfies Record<TracingConfig['sampler'], (ratio: number) => Sampler>;

let sdk: NodeSDK | undefined;

/** whether this process traces: the preload started the SDK (OBS-1) */
export const isTracing = (): boolean => sdk !== undefined;
/** TRACING_FLUSH_TIMEOUT_MS, for stopTracing */
let flushTimeoutMs = 0;

/**
 * OBS-1: once, from the preload (register.ts), before the app's modules load. Returns the
 * modules the instrumentations patch as they load: the loader hook wraps those, no others.
 */
export function startTracing(config: TracingConfig): string[] {
  flushTimeoutMs = config.flushTimeoutMs;
  const enabled = instrumentations();
  sdk = new NodeSDK({
    serviceName: config.serviceName,
    // OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with
    // OTEL_EXPORTER_OTLP_HEADERS; batched as OTEL_BSP_* say. Protobuf, OTLP's default: JSON
    // took about twice the CPU time to encode a span, and every kept span is encoded
    // (docs/architecture.md, tracing)
    traceExporter: new OTLPTraceExporter(),
    sampler: samplers[config.sampler](config.ratio),
    instrumentations: enabled,
    // traces only: the logs are pino's, and metrics are not part of this option
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // OBS-2: in a request whose trace is not kept, their spans cost nothing (unkept.ts)
  const tracers = new KeptTracerProvider(trace.getTracerProvider());
  for (const each of enabled) each.setTracerProvider(tracers);
  subscribe('perf-app:front-cache:answer', nameAfterRoute);
  const patched = enabled.flatMap((each) => each.getModuleDefinitions().map(({ name }) => name));
  return [...new Set(patched)];
}

/**
 * OBS-2: a hit the response cache answers before the framework (CACHE-15) is never seen by the
 * route instrumentation, so its route, published in the request's own context, names the
 * request's span (`GET /api/items/:id`, `http.route`, requests.ts) as the framework's would have.
 */
function nameAfterRoute(message: unknown): void {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = (message as { route: string }).route;
}

/**
 * RUN-2: sends the spans still buffered, at shutdown, once the last request (or job) has ended;
 * waits at most TRACING_FLUSH_TIMEOUT_MS for a collector that does not answer. Does nothing when
 * the process runs without the preload (as in the project's own tests).
 */
export async function stopTracing(): Promise<void> {
  const stopping = sdk?.shutdown();
  sdk = undefined;
  if (!stopping) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, flushTimeoutMs);
  });
  await Promise.race([stopping, deadline]);
  clearTimeout(timer);
}
