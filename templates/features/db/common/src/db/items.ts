import { isUnavailable, type Database } from '../perf/db/database.js';
import { withSpan } from '../perf/spans.js';

export interface DbItem {
  id: number;
  name: string;
  priceCents: number;
  tags: string[];
  updatedAt: Date;
}

/** what a route sends */
export interface DbReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const reply = (status: number, body: unknown, headers: Record<string, string> = {}): DbReply => ({
  status,
  headers,
  body,
});

// ids are Postgres integers
const isId = (id: number) => Number.isInteger(id) && id >= 1 && id <= 2_147_483_647;

/**
 * Creates and seeds the sample table when it is absent. Every instance runs this at start: the
 * statements run as one transaction (one simple query), and the advisory lock makes instances
 * that start together take turns instead of racing on CREATE TABLE.
 */
export async function createItemsTable(db: Database): Promise<void> {
  await db.query(`
    SELECT pg_advisory_xact_lock(hashtext('create table items'));
    CREATE TABLE IF NOT EXISTS items (
      id integer PRIMARY KEY,
      name text NOT NULL,
      price_cents integer NOT NULL,
      tags text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO items (id, name, price_cents, tags)
    SELECT n, 'Item ' || n, (n * 37) % 1000 * 100, ARRAY['pooled', 'sample']
    FROM generate_series(1, 1000) AS n
    WHERE NOT EXISTS (SELECT 1 FROM items);
  `);
}

/** the sample routes' logic, framework-neutral: each method returns what the route sends */
export function createDbItems(db: Database) {
  const find = async (id: number) => {
    const { rows } = await db.query<DbItem>(
      `SELECT id, name, price_cents AS "priceCents", tags, updated_at AS "updatedAt"
       FROM items WHERE id = $1`,
      [id],
      { idempotent: true },
    );
    return rows[0];
  };

  return {
    async get(idParam: string): Promise<DbReply> {
      const id = Number(idParam);
      if (!isId(id)) return reply(404, { error: `No item ${idParam}` });
      try {
        // OBS-3: a span of our own around the lookup; the pg instrumentation adds the query's
        const item = await withSpan('db-items.get', { 'item.id': id }, () => find(id));
        return item ? reply(200, item) : reply(404, { error: `No item ${id}` });
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        // POOL-1: the database is away, or every connection stayed busy past the timeout
        return reply(503, { error: 'The database is unavailable' }, { 'retry-after': '1' });
      }
    },
  };
}

export type DbItems = ReturnType<typeof createDbItems>;
