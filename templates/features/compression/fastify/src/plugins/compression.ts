import compress from '@fastify/compress';
import fp from 'fastify-plugin';
import {
  flushEachWrite,
  isCompressible,
  perRequestBrotli,
  type CompressionSettings,
} from '../perf/compression.js';

/**
 * COMP-1..3 with @fastify/compress: br and gzip negotiated with q-values, `*` read as gzip,
 * bodies under the threshold and 206 answers left alone, and brotli at a quality fit for
 * per-request work. A plugin without encapsulation, so it applies to every route.
 */
export const compression = fp<CompressionSettings>(async (app, settings) => {
  app.addHook('onSend', async (request, reply) => {
    const length = reply.getHeader('content-length');
    if (!isCompressible(reply.getHeader('content-type'))) {
      // COMP-3: @fastify/compress also compresses whatever mime-db calls compressible,
      // octet-stream included; this header is its documented way to leave a response alone
      request.headers['x-no-compression'] = 'type not compressed';
      return;
    }
    if (length !== undefined && Number(length) < settings.minBytes) {
      // COMP-2: it measures bodies it holds; a stream (a file) is judged by its declared length
      request.headers['x-no-compression'] = 'under the threshold';
    }
    if (reply.statusCode !== 206) {
      // HTTP-5: the answer depends on Accept-Encoding even when this client got it plain
      // (@fastify/compress says so only when it compresses); lower case, as it writes it
      const vary = String(reply.getHeader('vary') ?? '');
      if (!/accept-encoding/i.test(vary)) {
        reply.header('vary', vary ? `${vary}, accept-encoding` : 'accept-encoding');
      }
    }
  });
  await app.register(compress, {
    encodings: [...settings.codings],
    threshold: settings.minBytes,
    customTypes: (type) => isCompressible(type),
    // STREAM-4: each write goes out at once (a line of a stream), not when a block is full
    brotliOptions: perRequestBrotli(settings),
    zlibOptions: { level: settings.gzipLevel, flush: flushEachWrite.flush },
  });
});
