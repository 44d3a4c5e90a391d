// The database pool across real processes: more requests than connections, connections killed
// under the app, a PostgreSQL that goes away and comes back, the slow-query log, and the
// embedded Postgres when DATABASE_URL is unset (POOL-1..4).

import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir, boot, type BootedApp } from '../helpers/e2e.js';
import { until } from '../helpers/net.js';
import { throwAwayPostgres } from '../helpers/postgres.js';
import { optionSets } from './sets.js';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** one set with a database per framework */
const sets = [
  ...new Map(
    optionSets
      .filter((set) => set.answers.db === 'postgres')
      .map((set) => [set.answers.framework, set]),
  ).values(),
];

/** `url` with an application_name of its own, to find one process's connections */
function named(url: string): { url: string; name: string } {
  const name = `e2e-${crypto.randomUUID()}`;
  const withName = new URL(url);
  withName.searchParams.set('application_name', name);
  return { url: withName.toString(), name };
}

/** runs `query` with psql; one string per row */
async function psql(url: string, query: string): Promise<string[]> {
  const { stdout } = await execa('psql', [url, '-XAtc', query]);
  return stdout.split('\n').filter(Boolean);
}

/** the backends of one process, by the application_name it connected with */
const connectionsOf = (name: string) =>
  psql(databaseUrl, `SELECT pid FROM pg_stat_activity WHERE application_name = '${name}'`);

async function stop(app: BootedApp): Promise<number | undefined> {
  app.process.kill('SIGTERM');
  return (await app.process).exitCode;
}

const status = (url: string) =>
  fetch(url).then(
    (res) => res.status,
    () => 0,
  );

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);

  it('POOL-1: 200 concurrent requests on a pool of 4 all succeed, on at most 4 connections', async () => {
    const { url, name } = named(databaseUrl);
    const app = await boot(dir, { DATABASE_URL: url, DB_POOL_MAX: '4' });
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => fetch(`${app.url}/api/db/items/${(i % 1000) + 1}`)),
      );
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
      const connections = await connectionsOf(name);
      expect(connections.length).toBeGreaterThan(0);
      expect(connections.length).toBeLessThanOrEqual(4);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
    }
  });

  it("POOL-2: pg_terminate_backend on every one of the pool's connections is survived", async () => {
    const { url, name } = named(databaseUrl);
    const app = await boot(dir, { DATABASE_URL: url, DB_POOL_MAX: '4' });
    try {
      await Promise.all(Array.from({ length: 20 }, () => fetch(`${app.url}/api/db/items/9`)));
      const killed = await connectionsOf(name);
      expect(killed.length).toBeGreaterThan(0);
      await psql(
        databaseUrl,
        `SELECT pg_terminate_backend(pid) FROM unnest('{${killed}}'::int[]) AS pid`,
      );
      // the idle connections hear of it a moment later: the pool drops them and says so. A
      // request sent before that may take a dead one and run its query again on a fresh one
      // instead ("connection lost during a query"), and this test would then see no idle path
      const reported = 'the server closed an idle connection';
      for (let waited = 0; waited < 5000 && !app.output().includes(reported); waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(app.output()).toContain(reported);
      const after = await Promise.all(
        Array.from({ length: 20 }, () => status(`${app.url}/api/db/items/9`)),
      );
      expect(after).toEqual(after.map(() => 200));
      expect(app.process.exitCode).toBeNull();
    } finally {
      expect(await stop(app), app.output()).toBe(0);
    }
  });

  it('POOL-2: while PostgreSQL is away /ready answers 503; once it is back, 200 again', async () => {
    const postgres = await throwAwayPostgres();
    await postgres.start();
    const app = await boot(dir, { DATABASE_URL: postgres.url });
    try {
      expect(await status(`${app.url}/ready`)).toBe(200);
      expect(await status(`${app.url}/api/db/items/3`)).toBe(200);

      await postgres.stop();
      await until(async () => (await status(`${app.url}/ready`)) === 503, 10_000, '/ready 503');
      expect(await status(`${app.url}/api/db/items/3`)).toBe(503);
      expect(await status(`${app.url}/health`)).toBe(200);

      await postgres.start();
      await until(async () => (await status(`${app.url}/ready`)) === 200, 15_000, '/ready 200');
      expect(await status(`${app.url}/api/db/items/3`)).toBe(200);
    } finally {
      const exitCode = await stop(app);
      await postgres.stop();
      await postgres.remove();
      expect(exitCode, app.output()).toBe(0);
    }
  });

  it('POOL-3: a slow query is logged once, with its SQL and duration, without its values', async () => {
    const app = await boot(dir, { DATABASE_URL: databaseUrl, DB_SLOW_QUERY_MS: '0' });
    try {
      expect(await status(`${app.url}/api/db/items/987`)).toBe(200);
    } finally {
      await stop(app);
    }
    const slow = app
      .output()
      .split('\n')
      .filter((line) => line.includes('db: slow query') && line.includes('FROM items WHERE id'));
    expect(slow).toHaveLength(1);
    const logged = JSON.parse(slow[0] ?? '{}') as { sql: string; durationMs: number };
    expect(logged.sql).toContain('WHERE id = $1');
    expect(logged.durationMs).toEqual(expect.any(Number));
    // the value is nowhere in the line, its time and pid aside (their digits may hold 987)
    expect(JSON.stringify({ ...logged, time: 0, pid: 0 })).not.toContain('987');
  });

  it('POOL-4: without DATABASE_URL it boots on an embedded Postgres and answers', async () => {
    const data = await mkdtemp(join(tmpdir(), 'e2e-pglite-'));
    try {
      const app = await boot(dir, { DATABASE_URL: '', PGLITE_DIR: join(data, 'pglite') });
      try {
        const res = await fetch(`${app.url}/api/db/items/5`);
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ id: 5, name: 'Item 5' });
        expect(await status(`${app.url}/ready`)).toBe(200);
        expect(app.output()).toContain('the first start takes');
      } finally {
        expect(await stop(app), app.output()).toBe(0);
      }
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
