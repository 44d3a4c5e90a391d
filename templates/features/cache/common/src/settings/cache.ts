import { z } from 'zod';
import type { Env } from '../config.js';

export const keyPrefix = z
  .string()
  .regex(/^[\w.-]+$/, { error: 'takes letters, digits, _ . and -' });
export const idList = z.string().regex(/^\d+(,\d+)*$/, { error: 'takes ids like 1,2,3' });

/** CACHE-1..15; `appName` is the key prefix when CACHE_PREFIX is unset */
export function cacheSettings(e: Env, appName: string) {
  return {
    prefix: e.CACHE_PREFIX ?? appName,
    keyVersion: e.CACHE_KEY_VERSION,
    memory: { maxEntries: e.CACHE_MAX_ENTRIES, maxBytes: e.CACHE_MAX_BYTES },
    ttl: {
      items: {
        ttlMs: (e.CACHE_ITEMS_TTL_SECONDS ?? e.CACHE_TTL_SECONDS) * 1000,
        graceMs: e.CACHE_GRACE_SECONDS * 1000,
      },
      catalog: {
        ttlMs: (e.CACHE_CATALOG_TTL_SECONDS ?? e.CACHE_TTL_SECONDS) * 1000,
        graceMs: e.CACHE_GRACE_SECONDS * 1000,
      },
    },
    warmUp: e.CACHE_WARM_UP?.split(',').map(Number) ?? [],
    itemLoadMs: e.ITEM_LOAD_MS,
    // one process: the single flight is the whole stampede protection (a shared cache's
    // settings replace these)
    lockTtlMs: 0,
    lockWaitMs: 0,
  };
}
