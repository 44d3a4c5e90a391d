import { negotiate } from '@fastify/accept-negotiator';
import zlib from 'node:zlib';
import type { Config } from '../config.js';

export type ContentCoding = 'br' | 'gzip';
export type CompressionSettings = Config['compression'];

/**
 * COMP-1: the coding to send, from Accept-Encoding and its q-values. The client's highest q
 * wins and our order (br, then gzip) breaks ties; q=0 refuses a coding; no header, `identity`,
 * or only codings we do not make mean none. `*` and `x-gzip` are read as gzip, as
 * @fastify/compress reads them, so the three frameworks answer every header alike.
 */
export function chooseCoding(
  acceptEncoding: string | undefined,
  offered: readonly ContentCoding[],
): ContentCoding | undefined {
  if (!acceptEncoding || offered.length === 0) return undefined;
  const header = acceptEncoding.toLowerCase().replace(/\*|x-gzip/g, 'gzip');
  return negotiate(header, [...offered]) ?? undefined;
}

// COMP-3: text, JSON, JS, CSS, SVG and XML. Never images, video, audio, fonts, archives or
// octet-stream (already compressed, or not worth it), and never event streams, which must
// reach the client one event at a time.
const compressibleType =
  /^(?:text\/(?!event-stream\b)[\w.+-]+|application\/(?:json|x-ndjson|(?:x-)?javascript|xml|[\w.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;

export function isCompressible(contentType: unknown): boolean {
  return typeof contentType === 'string' && compressibleType.test(contentType);
}

/**
 * STREAM-4: a compressor holds what it is given until its output fills a block, so a stream
 * of small, very compressible lines (NDJSON) reached the client seconds late. Each write is
 * flushed instead: a line goes out when it is written. A body written at once is one write,
 * a file one flush per 64 KB read, so whole answers lose a few bytes, not their ratio.
 */
export const flushEachWrite = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  brotliFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
} as const;

/**
 * COMP-1: brotli of a per-request answer. Quality from COMPRESSION_BROTLI_QUALITY (Node's
 * default, 11, costs tens of times the CPU of 4), and a 256 KB window: with Node's default,
 * 4 MB, each compressor holds a ring buffer of up to 8 MB, and 10 slow readers of a file
 * grew the server by 80 to 90 MB, where they now take 12 to 19. Per-request answers gain next
 * to nothing from a longer window (a 16 MB file: 4.15:1 against 4.06:1).
 */
export function perRequestBrotli(settings: Pick<CompressionSettings, 'brotliQuality'>) {
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_LGWIN } = zlib.constants;
  return {
    params: { [BROTLI_PARAM_QUALITY]: settings.brotliQuality, [BROTLI_PARAM_LGWIN]: 18 },
    flush: flushEachWrite.brotliFlush,
  };
}

// COMP-4: a stored form is made once and sent many times: the best ratio is worth its CPU
function compressOnce(body: Buffer, coding: ContentCoding): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer) => (error ? reject(error) : resolve(result));
    // the async forms run on libuv's thread pool, off the event loop
    if (coding === 'br') {
      const { BROTLI_PARAM_QUALITY, BROTLI_MAX_QUALITY, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT } =
        zlib.constants;
      const params = {
        [BROTLI_PARAM_QUALITY]: BROTLI_MAX_QUALITY,
        [BROTLI_PARAM_MODE]: BROTLI_MODE_TEXT,
      };
      zlib.brotliCompress(body, { params }, done);
    } else {
      zlib.gzip(body, { level: zlib.constants.Z_BEST_COMPRESSION }, done);
    }
  });
}

/** COMP-4: how cached responses get, and send, their compressed forms */
export function createResponseEncoder(settings: CompressionSettings) {
  return {
    codings: settings.codings,
    minBytes: settings.minBytes,
    encode: compressOnce,
    choose: chooseCoding,
  };
}
