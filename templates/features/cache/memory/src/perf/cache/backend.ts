import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { memoryRows, type ItemRows } from '../../items/source.js';
import { Cache } from './cache.js';
import { MemoryStore } from './store.js';

/** the cache of this project: in this process's memory (CACHE-1) */
export async function createCache(
  config: Config['cache'],
  logger: Logger,
): Promise<{ cache: Cache; rows: ItemRows }> {
  const cache = new Cache(new MemoryStore(config.memory), config, logger);
  return { cache, rows: memoryRows() };
}
