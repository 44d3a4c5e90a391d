import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

/** the digest /api/hash must answer, computed here */
function expectedDigest(rounds: number): string {
  let digest: Buffer = Buffer.from('perf-app');
  for (let round = 0; round < rounds; round += 1) {
    digest = createHash('sha256').update(digest).digest();
  }
  return digest.toString('hex');
}

async function hash(server: RunningServer, query: string, signal?: AbortSignal) {
  const res = await fetch(`${server.url}/api/hash${query}`, { signal });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

// about a second of work for one thread: far longer than any /health may take
const heavy = '?rounds=300000';

/** one thread, so that two heavy requests fill it and its queue of `queueMax` */
async function withOneThread(queueMax: number, test: (server: RunningServer) => Promise<void>) {
  const server = await start({ WORKER_THREADS: '1', WORKER_QUEUE_MAX: String(queueMax) });
  try {
    // the thread has loaded the task module: what follows measures the pool, not its start
    expect((await hash(server, '?rounds=1')).status).toBe(200);
    await test(server);
  } finally {
    await server.close();
  }
}

describe('the worker pool', () => {
  it('WORK-2: GET /api/hash answers the chained SHA-256 digest, no-store', async () => {
    const server = await start({ WORKER_THREADS: '2' });
    try {
      for (const rounds of [1, 1000]) {
        const { status, headers, body } = await hash(server, `?rounds=${rounds}`);
        expect(status).toBe(200);
        expect(body).toEqual({ rounds, digest: expectedDigest(rounds) });
        expect(headers.get('cache-control')).toBe('no-store');
      }
      // without rounds: the default
      expect(await hash(server, '')).toMatchObject({ status: 200, body: { rounds: 10_000 } });
    } finally {
      await server.close();
    }
  });

  it('WORK-2: rounds that are not a whole number from 1 to 1,000,000 get a 400 naming them', async () => {
    const server = await start({ WORKER_THREADS: '1' });
    try {
      for (const rounds of ['0', '1000001', 'many', '1.5', '-3']) {
        const { status, body } = await hash(server, `?rounds=${rounds}`);
        expect(status, rounds).toBe(400);
        expect(body, rounds).toEqual({ error: expect.stringContaining('rounds') });
      }
    } finally {
      await server.close();
    }
  });

  it('WORK-2: /health keeps answering at once while every thread computes', async () => {
    await withOneThread(4, async (server) => {
      // three seconds of work queued on the one thread
      const hashes = Promise.all([heavy, heavy, heavy].map((query) => hash(server, query)));
      let done = false;
      void hashes.finally(() => (done = true));
      const waits: number[] = [];
      while (!done) {
        const sent = performance.now();
        expect((await fetch(`${server.url}/health`)).status).toBe(200);
        waits.push(performance.now() - sent);
        await sleep(10);
      }
      expect((await hashes).map(({ status }) => status)).toEqual([200, 200, 200]);
      // the event loop computing a hash would hold each /health for up to a second; the bound
      // leaves room for a busy machine's pauses
      expect(waits.length).toBeGreaterThan(20);
      expect(Math.max(...waits)).toBeLessThan(500);
    });
  });

  it('WORK-2: a request beyond a full queue gets 503 with Retry-After at once', async () => {
    await withOneThread(1, async (server) => {
      const running = hash(server, heavy);
      await sleep(50);
      const queued = hash(server, heavy);
      await sleep(50);
      const sent = performance.now();
      const refused = await hash(server, heavy);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(performance.now() - sent).toBeLessThan(500);
      // the ready check reports it, and stays ready: everything else is served
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { workers: { status: 'degraded' } } });
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
    });
  });

  it('WORK-2: a queued task whose client went away is dropped from the queue', async () => {
    await withOneThread(1, async (server) => {
      const running = hash(server, heavy);
      await sleep(50);
      const client = new AbortController();
      const gone = hash(server, heavy, client.signal).catch(() => 'aborted');
      await sleep(50);
      client.abort();
      expect(await gone).toBe('aborted');
      await sleep(50);
      // its place in the queue is free again
      const next = hash(server, '?rounds=1');
      expect((await running).status).toBe(200);
      expect(await next).toMatchObject({ status: 200, body: { rounds: 1 } });
    });
  });

  it('WORK-2, RUN-2: a hash running at shutdown is answered before the pool closes', async () => {
    const server = await start({ WORKER_THREADS: '1' });
    expect((await hash(server, '?rounds=1')).status).toBe(200);
    const running = hash(server, heavy);
    await sleep(100);
    const closed = server.close();
    expect(await running).toMatchObject({ status: 200, body: { rounds: 300_000 } });
    await closed;
  });
});
