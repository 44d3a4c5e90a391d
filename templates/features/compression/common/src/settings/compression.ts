import { z } from 'zod';
import type { Env } from '../config.js';

export const codingList = z
  .string()
  .regex(/^(br|gzip)(,(br|gzip))?$/, { error: 'takes br,gzip, gzip,br, br or gzip' })
  .transform((value) => value.split(',') as ('br' | 'gzip')[]);

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
