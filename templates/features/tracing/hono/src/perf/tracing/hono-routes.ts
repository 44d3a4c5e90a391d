import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { routeScope } from './routes.js';

const tracer = trace.getTracer(routeScope);

/**
 * OBS-2: Hono has no OpenTelemetry instrumentation of its own (the community's @hono/otel opens
 * a second server span beside the request's, requests.ts), so this does what the Fastify and
 * Express instrumentations do: it names the request's span after the route that matched
 * (`GET /api/db/items/:id`, attribute `http.route`) and wraps the handler in a span.
 */
export function traceRoutes(): MiddlewareHandler {
  return async (c, next) => {
    const active = context.active();
    // the handler is the last route that matched; only middleware matched a request that is
    // answered 404, and a request with no span (a health probe) is not traced
    const route = matchedRoutes(c).at(-1)?.path ?? '/*';
    if (route === '/*' || !trace.getSpan(active)) return next();
    const rpc = getRPCMetadata(active);
    if (rpc?.type === RPCType.HTTP) rpc.route = route;
    await tracer.startActiveSpan(
      `route - ${route}`,
      { attributes: { 'http.route': route } },
      async (span) => {
        try {
          await next();
        } finally {
          span.end();
        }
      },
    );
  };
}
