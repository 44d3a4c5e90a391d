import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

// the database the tests use (see test/helpers.ts), for checks from outside the app
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** the URL with an application_name of its own, to find one server's connections */
function named(): { url: string; name: string } {
  const name = `test-${crypto.randomUUID()}`;
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  return { url: url.toString(), name };
}

const get = (server: RunningServer, path: string) => fetch(`${server.url}${path}`);

describe('the pool', () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
  });
  afterAll(() => admin.end());

  const connectionsOf = async (name: string) => {
    const { rows } = await admin.query<{ count: string }>(
      'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return Number(rows[0]?.count);
  };

  it('POOL-1: the sample table is created and seeded at start', async () => {
    const server = await start();
    try {
      const res = await get(server, '/api/db/items/1000');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: 1000,
        name: 'Item 1000',
        tags: ['pooled', 'sample'],
      });
      expect((await get(server, '/api/db/items/1001')).status).toBe(404);
      expect((await get(server, '/api/db/items/abc')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('POOL-1: more concurrent requests than DB_POOL_MAX all succeed, on that many connections', async () => {
    const { url, name } = named();
    const server = await start({ DATABASE_URL: url, DB_POOL_MAX: '3' });
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) => get(server, `/api/db/items/${i + 1}`)),
      );
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
      expect(await connectionsOf(name)).toBeLessThanOrEqual(3);
      expect(server.context.db.pool.totalCount).toBeLessThanOrEqual(3);
    } finally {
      await server.close();
    }
  });

  it('POOL-1: a request waits at most DB_CONNECT_TIMEOUT_MS for a connection, then answers 503', async () => {
    const server = await start({ DB_POOL_MAX: '1', DB_CONNECT_TIMEOUT_MS: '200' });
    const held = await server.context.db.pool.connect();
    try {
      const startedAt = Date.now();
      const res = await get(server, '/api/db/items/1');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(Date.now() - startedAt).toBeLessThan(2000);
    } finally {
      held.release();
      await server.close();
    }
  });

  it('POOL-1: an unreachable database stops the start at once, with a line that hides the password', async () => {
    const lines: string[] = [];
    const startedAt = Date.now();
    await expect(
      start({ DATABASE_URL: 'postgres://app:secret@127.0.0.1:1/app', LOG_LEVEL: 'error' }, (line) =>
        lines.push(line),
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    const fatal = lines.find((line) => line.includes('db: no answer at start'));
    expect(fatal).toContain('postgres://app:***@127.0.0.1:1/app');
    expect(lines.join('\n')).not.toContain('secret');
  });

  it('POOL-1: PostgreSQL cancels a statement that runs past DB_STATEMENT_TIMEOUT_MS', async () => {
    const server = await start({ DB_STATEMENT_TIMEOUT_MS: '100' });
    try {
      await expect(server.context.db.query('SELECT pg_sleep(2)')).rejects.toMatchObject({
        code: '57014', // query_canceled
      });
    } finally {
      await server.close();
    }
  });

  it('POOL-2: /ready checks the pool', async () => {
    const server = await start();
    try {
      const res = await get(server, '/ready');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ checks: { db: { status: 'up' } } });
    } finally {
      await server.close();
    }
  });

  it('POOL-2: connections closed by the server are dropped, and requests go on', async () => {
    const { url, name } = named();
    const server = await start({ DATABASE_URL: url, DB_POOL_MAX: '4' });
    try {
      await Promise.all(Array.from({ length: 8 }, () => get(server, '/api/db/items/2')));
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [name],
      );
      expect(rowCount).toBeGreaterThan(0);
      for (let i = 0; i < 10; i++) expect((await get(server, '/api/db/items/2')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('POOL-3: a query over DB_SLOW_QUERY_MS is logged once, with its text and duration, never its values', async () => {
    const lines: string[] = [];
    const server = await start({ DB_SLOW_QUERY_MS: '50', LOG_LEVEL: 'warn' }, (line) =>
      lines.push(line),
    );
    try {
      await server.context.db.query('SELECT $1::text AS secret, pg_sleep(0.1)', ['hunter2']);
      await server.context.db.query('SELECT $1::text AS quick', ['swordfish']);
    } finally {
      await server.close();
    }
    const slow = lines.filter((line) => line.includes('db: slow query'));
    expect(slow).toHaveLength(1);
    expect(JSON.parse(slow[0] ?? '{}')).toMatchObject({
      sql: 'SELECT $1::text AS secret, pg_sleep(0.1)',
      durationMs: expect.any(Number),
    });
    expect(lines.join('\n')).not.toMatch(/hunter2|swordfish/);
  });

  it('OBS-5: Server-Timing shows the time spent in the database', async () => {
    const server = await start({ SERVER_TIMING: 'true' });
    try {
      const res = await get(server, '/api/db/items/3');
      expect(res.headers.get('server-timing')).toMatch(/^db;dur=\d+\.\d, app;dur=/);
    } finally {
      await server.close();
    }
  });
});
