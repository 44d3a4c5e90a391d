import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDbItems, createItemsTable } from '../db/items.js';
import { openDatabase } from '../perf/db/database.js';
import type { Lifecycle } from '../perf/lifecycle.js';

/**
 * POOL-1..4: the pool, opened before the server listens, so nothing is served before the
 * database is there (an embedded one may take seconds on its first start); and the sample
 * table, created when absent
 */
export async function setupDb(config: Config, logger: Logger, lifecycle: Lifecycle) {
  const db = await openDatabase(config.db, logger);
  lifecycle.onClose(() => db.close());
  lifecycle.readiness.add('db', () => db.check());
  await createItemsTable(db);
  return { db, dbItems: createDbItems(db) };
}
