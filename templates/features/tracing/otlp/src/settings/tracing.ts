import * as v from 'valibot';
import type { Env } from '../config.js';

export const samplers = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const ratioError = 'takes a number from 0 to 1';
export const ratio = v.pipe(
  v.string(),
  v.toNumber(ratioError),
  v.minValue(0, ratioError),
  v.maxValue(1, ratioError),
);

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
