import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { testEnv } from './env.js';
import { start } from './helpers.js';
import { freePort } from './net.js';

async function post(url: string, rounds: number): Promise<string> {
  const res = await fetch(`${url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rounds }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

describe('background jobs in this process', () => {
  // `npm start` runs dist/, which test/global-setup.ts has built
  it('WORK-1, RUN-2: SIGTERM with jobs queued finishes every one of them, then exits 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...testEnv(), PORT: String(port), LOG_LEVEL: 'info', JOBS_CONCURRENCY: '1' };
    const app = spawn('node', ['dist/main.js'], { env: { ...process.env, ...env } });
    const done = new Set<string>();
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    createInterface({ input: app.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; job?: string };
      if (entry.msg === 'server listening') listening();
      if (entry.msg === 'job done' && entry.job) done.add(entry.job);
    });
    const exited = once(app, 'exit');
    await ready;
    // about a second of work in all, one at a time: most are still queued at the signal
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await post(url, 100_000));
    app.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect([...done].sort()).toEqual(ids.sort());
  }, 30_000);

  it('WORK-1: finished jobs are kept up to JOBS_KEEP_FINISHED, the oldest forgotten first', async () => {
    const server = await start({ JOBS_KEEP_FINISHED: '2' });
    try {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await post(server.url, 1));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const statuses = await Promise.all(
        ids.map(async (id) => (await fetch(`${server.url}/api/jobs/${id}`)).status),
      );
      expect(statuses).toEqual([404, 200, 200]);
    } finally {
      await server.close();
    }
  });

  it('WORK-1: /health answers at once while jobs run in this process', async () => {
    const server = await start({ JOBS_CONCURRENCY: '2' });
    try {
      // about a second of hashing for each of the two jobs
      const ids = [await post(server.url, 300_000), await post(server.url, 300_000)];
      const waits: number[] = [];
      for (let i = 0; i < 20; i++) {
        const sent = performance.now();
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
        waits.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const job = await fetch(`${server.url}/api/jobs/${ids[1]}`);
      expect(await job.json()).toMatchObject({ state: 'running' });
      // a job holding the event loop would hold a /health for the whole second; the bound
      // leaves room for a busy machine's pauses
      expect(Math.max(...waits)).toBeLessThan(500);
    } finally {
      await server.close();
    }
  });
});
