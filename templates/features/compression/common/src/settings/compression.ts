import * as v from 'valibot';
import type { Env } from '../config.js';

export const codingList = v.pipe(
  v.string(),
  v.regex(/^(br|gzip)(,(br|gzip))?$/, 'takes br,gzip, gzip,br, br or gzip'),
  v.transform((value) => value.split(',') as ('br' | 'gzip')[]),
);

/** COMP-1..5 */
export function compressionSettings(e: Env) {
  return {
    codings: e.COMPRESSION_CODINGS,
    inApp: e.COMPRESS_IN_APP,
    minBytes: e.COMPRESSION_MIN_BYTES,
    brotliQuality: e.COMPRESSION_BROTLI_QUALITY,
    gzipLevel: e.COMPRESSION_GZIP_LEVEL,
  };
}
