import compression from 'compression';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import vary from 'vary';
import {
  chooseCoding,
  flushEachWrite,
  isCompressible,
  perRequestBrotli,
  type CompressionSettings,
} from './compression.js';

// Fastify compresses with its own plugin (@fastify/compress), so only Express and Hono load
// this module and the `compression` package: 18 ms of a Fastify app's start-up otherwise

type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * COMP-1..3 on node:http, for Express and Hono: the `compression` middleware, which keeps the
 * socket's back-pressure and leaves HEAD, `Cache-Control: no-transform` and already encoded
 * answers alone. Bodies under `minBytes` go out as they are; a 206 is never compressed (its
 * range counts bytes of the plain body). Brotli runs at a quality fit for per-request work.
 */
export function compressResponses(settings: CompressionSettings): NodeMiddleware {
  // `compression` is connect middleware: it only uses node's request and response
  const compress = compression({
    threshold: settings.minBytes,
    level: settings.gzipLevel,
    flush: flushEachWrite.flush,
    brotli: perRequestBrotli(settings),
    filter: (_req, res) => res.statusCode !== 206 && isCompressible(res.getHeader('content-type')),
  }) as unknown as NodeMiddleware;
  return (req, res, next) => {
    // COMP-1: our negotiation decides; `compression` is shown only the coding chosen, so it
    // never picks one we do not offer (deflate, or br under --compression gzip)
    const coding = chooseCoding(req.headers['accept-encoding'], settings.codings);
    if (coding === undefined) {
      // nothing to compress for this client (a probe, a client without Accept-Encoding): the
      // response's writes are left as they are, and only its Vary is set (HTTP-5)
      onHeaders(res, varyOnCompressible);
      next();
      return;
    }
    const chosen: IncomingMessage = Object.create(req, {
      headers: { value: { ...req.headers, 'accept-encoding': coding } },
    });
    compress(chosen, res, next);
    drainOnceFromWhereHeld(res);
  };
}

/**
 * STREAM-4: `compression` hands the response's 'drain' listeners to its compressor with `on`,
 * so the removal that `once` sets up (from the response) never finds them. @hono/node-server
 * waits with `once('drain')` after every full write: each of its listeners stayed on the
 * compressor and ran again at every later drain, each reading one more chunk of the source,
 * so a slow client's stream was read faster than the socket drained (and Node warned of 11
 * drain listeners). Here a one-time listener removes itself from whatever emitted it.
 */
function drainOnceFromWhereHeld(res: ServerResponse): void {
  const once = res.once;
  res.once = function onceHeld(
    this: ServerResponse,
    event: string | symbol,
    listener: (...args: unknown[]) => void,
  ) {
    if (event !== 'drain') return once.call(this, event, listener);
    const oneTime = function (this: EventEmitter, ...args: unknown[]) {
      this.removeListener('drain', oneTime);
      listener.apply(this, args);
    };
    return this.on('drain', oneTime);
  } as ServerResponse['once'];
}

/** HTTP-5: what `compression` says of an answer it could have compressed for another client */
function varyOnCompressible(this: ServerResponse): void {
  if (this.statusCode !== 206 && isCompressible(this.getHeader('content-type'))) {
    vary(this, 'Accept-Encoding');
  }
}
