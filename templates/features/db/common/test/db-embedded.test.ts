import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { start } from './helpers.js';

it('POOL-4: without DATABASE_URL the app runs on an embedded Postgres kept in PGLITE_DIR; a second instance keeps its data in memory', async () => {
  const root = await mkdtemp(join(tmpdir(), 'pglite-'));
  const dir = join(root, 'pglite');
  const lines: string[] = [];
  const env = { DATABASE_URL: '', PGLITE_DIR: dir, LOG_LEVEL: 'info' };
  const onLog = (line: string) => lines.push(line);
  // one after the other: both run in this one process, and a PGlite opening blocks the event
  // loop for seconds, long enough to time out the other's first connection
  const servers = [await start(env, onLog)];
  try {
    servers.push(await start(env, onLog));
    // the slow first start says so in the log, and so does the instance that could not have it
    expect(lines.join('\n')).toMatch(/the first start takes/);
    expect(lines.join('\n')).toMatch(/another instance is using the embedded Postgres folder/);
    for (const server of servers) {
      const res = await fetch(`${server.url}/api/db/items/7`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: 7, name: 'Item 7' });
      const ready = await fetch(`${server.url}/ready`);
      expect(await ready.json()).toMatchObject({ checks: { db: { status: 'up' } } });
    }
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
  expect(existsSync(`${dir}.lock`)).toBe(false);
  await rm(root, { recursive: true, force: true });
}, 120_000);
