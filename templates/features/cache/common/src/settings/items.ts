import * as v from 'valibot';
import type { Env } from '../config.js';

export const idList = v.pipe(v.string(), v.regex(/^\d+(,\d+)*$/, 'takes ids like 1,2,3'));

/**
 * The sample items of src/items/: how long each kind stays cached (CACHE-9, CACHE-13), which are
 * loaded at start (CACHE-10), and how slow their stand-in database is
 */
export function itemsSettings(e: Env) {
  const graceMs = e.CACHE_GRACE_SECONDS * 1000;
  return {
    ttl: {
      items: { ttlMs: (e.CACHE_ITEMS_TTL_SECONDS ?? e.CACHE_TTL_SECONDS) * 1000, graceMs },
      catalog: { ttlMs: (e.CACHE_CATALOG_TTL_SECONDS ?? e.CACHE_TTL_SECONDS) * 1000, graceMs },
    },
    warmUp: e.CACHE_WARM_UP?.split(',').map(Number) ?? [],
    loadMs: e.ITEM_LOAD_MS,
  };
}
