import type { Env } from '../config.js';

/** CACHE-1..15; `appName` is the key prefix when CACHE_PREFIX is unset */
export function cacheSettings(e: Env, appName: string) {
  return {
    prefix: e.CACHE_PREFIX ?? appName,
    keyVersion: e.CACHE_KEY_VERSION,
    memory: { maxEntries: e.CACHE_MAX_ENTRIES, maxBytes: e.CACHE_MAX_BYTES },
    // one process: the single flight is the whole stampede protection (a shared cache's
    // settings replace these)
    lockTtlMs: 0,
    lockWaitMs: 0,
  };
}
