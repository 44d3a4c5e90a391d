import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Instrumentation } from './instrumentations.js';
import { isProbe } from './probes.js';

/** the instrumentation scope of the route spans, as the project's tracing test finds them */
export const routeScope = '@fastify/otel';

/**
 * OBS-2: Fastify's routes. The request's span is named after the route; a span per hook
 * (compression's onSend) and one for the handler made three of them, and the route's own work
 * has its `withSpan` span.
 */
export function routeInstrumentations(): Instrumentation[] {
  return [
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      instrumentHooks: false,
      instrumentHandler: false,
      ignorePaths: ({ url }) => isProbe(url),
    }),
  ];
}
