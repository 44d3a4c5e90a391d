import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { compressResponses } from '../perf/compress-responses.js';
import type { CompressionSettings } from '../perf/compression.js';

/**
 * COMP-1..3 for Hono. `hono/compress` makes only gzip and deflate on Node (its
 * CompressionStream has no brotli), so the app compresses at the node:http response under
 * Hono, with the same `compression` middleware and rules as the Express flavour. A body Hono
 * sends without Content-Length is compressed whatever its size, as with `hono/compress`.
 */
export function compression(
  settings: CompressionSettings,
): MiddlewareHandler<{ Bindings: HttpBindings }> {
  const compress = compressResponses(settings);
  return (c, next) => {
    compress(c.env.incoming, c.env.outgoing, () => undefined);
    return next();
  };
}
