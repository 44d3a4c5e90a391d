import type { Env } from '../config.js';

export const samplers = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** OBS-1..4: read by the preload, src/perf/tracing/register.ts, before the app starts */
export function tracingSettings(e: Env, appName: string) {
  return {
    serviceName: e.OTEL_SERVICE_NAME ?? appName,
    endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318',
    sampler: e.OTEL_TRACES_SAMPLER,
    ratio: e.OTEL_TRACES_SAMPLER_ARG,
    flushTimeoutMs: e.TRACING_FLUSH_TIMEOUT_MS,
  };
}
