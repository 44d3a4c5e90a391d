import type { Env } from '../config.js';

/** CACHE-3: the in-memory tier in front of Redis */
export function tieredCacheSettings(e: Env) {
  return { l1TtlMs: e.CACHE_L1_TTL_SECONDS * 1000 };
}
