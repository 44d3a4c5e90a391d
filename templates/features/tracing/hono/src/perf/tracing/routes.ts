import type { Instrumentation } from './instrumentations.js';

/** the tracer name of the route spans, as the project's tracing test finds them */
export const routeScope = 'hono';

/**
 * OBS-2: Hono has no instrumentation library to load here; the `traceRoutes()` middleware in
 * src/app.ts (hono-routes.ts) names the request's span after its route and wraps the handler.
 */
export function routeInstrumentations(): Instrumentation[] {
  return [];
}
