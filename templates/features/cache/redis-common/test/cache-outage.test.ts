// Redis paused (SIGSTOP) under the app: the connection stays open and nothing answers, which
// only timeouts show. Each test starts its own throw-away redis-server and pauses it by its pid;
// the shared Redis of the other tests is never touched.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { redisRows } from '../src/items/redis-rows.js';
import { RedisStore, RedisTimeoutError } from '../src/perf/cache/redis-store.js';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { freePort } from './net.js';

const outcome = (res: Response) => res.headers.get('x-cache');
const json = { 'content-type': 'application/json' };

/** a redis-server of this test's own, on a free port, paused and resumed by its pid */
async function throwAwayRedis() {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => 50 });
  client.on('error', () => undefined); // refused while it starts: expected
  for (let i = 0; i < 100 && !(await client.ping().catch(() => false)); i++) await sleep(50);
  return {
    url: `redis://127.0.0.1:${port}`,
    client,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      client.disconnect();
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

type Redises = Awaited<ReturnType<typeof throwAwayRedis>>;

describe('Redis paused', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(env: Record<string, string> = {}) {
    const redis = await throwAwayRedis();
    cleanups.push(() => redis.stop());
    const lines: string[] = [];
    const shared = {
      REDIS_URL: redis.url,
      CACHE_PREFIX: `test-${crypto.randomUUID()}`,
      ITEM_LOAD_MS: '0',
      REDIS_COMMAND_TIMEOUT_MS: '250',
      LOG_LEVEL: 'info',
      ...env,
    };
    const a = await start(shared, (line) => lines.push(line));
    const b = await start(shared);
    // run in reverse: Redis resumes first, so that the instances close without waiting on it
    cleanups.push(
      () => a.close(),
      () => b.close(),
      async () => redis.resume(),
    );
    return { redis, a, b, lines, rowsKey: `${shared.CACHE_PREFIX}:items:rows` };
  }

  const put = (server: RunningServer, id: number, name: string) =>
    fetch(`${server.url}/api/items/${id}`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ name }),
    });
  const nameOn = async (server: RunningServer, id: number) =>
    ((await (await fetch(`${server.url}/api/items/${id}`)).json()) as { name: string }).name;
  const resumed = async (redis: Redises) => {
    redis.resume();
    // the paused server now runs whatever reached it meanwhile
    await redis.client.ping();
  };

  it('CACHE-8: a PUT while Redis is paused answers 503 and is not applied when Redis resumes', async () => {
    const { redis, a, b, rowsKey } = await setUp();
    for (const server of [a, b, a, b]) await fetch(`${server.url}/api/items/43`);
    expect(outcome(await fetch(`${b.url}/api/items/43`))).toBe('HIT');

    redis.pause();
    const failed = await put(a, 43, 'changed');
    await resumed(redis);

    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(await redis.client.hget(rowsKey, '43')).toBeNull();
    await sleep(1500); // past the breaker's cool-down: Redis is used again
    expect(await nameOn(a, 43)).toBe('Item 43');
    expect(await nameOn(b, 43)).toBe('Item 43');

    // and once it answers again, a write is applied and seen by both instances at once
    await expect.poll(async () => (await put(a, 43, 'changed')).status).toBe(200);
    expect(await nameOn(a, 43)).toBe('changed');
    expect(await nameOn(b, 43)).toBe('changed');
  });

  it('CACHE-8: a row write that reaches Redis after our timeout is refused, not applied late', async () => {
    const redis = await throwAwayRedis();
    cleanups.push(() => redis.stop());
    const store = new RedisStore(
      { url: redis.url, prefix: 'fence', commandTimeoutMs: 250, coolDownMs: 1000 },
      pino({ level: 'silent' }),
    );
    cleanups.push(() => store.close());
    await store.connect(2000);
    const rows = redisRows(store, 'fence:rows', 250);
    await rows.update(7, () => 'first');

    // pause Redis between the read and the write: the write sits in its socket until resumed
    const update = rows.update(7, (row) => {
      redis.pause();
      return `${row} then second`;
    });
    await expect(update).rejects.toThrow('unavailable');
    await resumed(redis);
    expect(await redis.client.hget('fence:rows', '7')).toBe('first');
  });

  it('CACHE-14: when a command times out, the commands sent after it fail with it', async () => {
    const redis = await throwAwayRedis();
    cleanups.push(() => redis.stop());
    const store = new RedisStore(
      { url: redis.url, prefix: 'order', commandTimeoutMs: 500, coolDownMs: 1000 },
      pino({ level: 'silent' }),
    );
    cleanups.push(() => store.close());
    await store.connect(2000);

    redis.pause();
    const started = performance.now();
    const first = store.run(() => store.redis.get('order:a')).catch((error: unknown) => error);
    await sleep(300);
    // sent while the first waits: its answer would come after the first's, which never comes
    const second = store
      .run(() => store.redis.get('order:b'))
      .then(
        () => Infinity,
        () => performance.now() - started,
      );
    expect(await first).toBeInstanceOf(RedisTimeoutError);
    // with the first (at 500 ms), not after a timeout of its own (at 800 ms)
    expect(await second).toBeLessThan(700);
  });

  it('CACHE-14: an instance shuts down while Redis is paused', async () => {
    const redis = await throwAwayRedis();
    cleanups.push(() => redis.stop());
    const server = await start({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '250' });
    redis.pause();
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(2000);
  });

  const cacheState = async (server: RunningServer) => {
    const ready = await fetch(`${server.url}/ready`);
    const body = (await ready.json()) as { checks: { cache: { status: string } } };
    return { status: ready.status, cache: body.checks.cache.status };
  };

  /** each request's time, for catalog pages no request has asked for yet */
  const timeCatalog = async (server: RunningServer, pages: number[]) => {
    const took: number[] = [];
    for (const page of pages) {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/catalog?page=${page}`);
      took.push(performance.now() - started);
      expect(res.status).toBe(200);
      expect(outcome(res)).toBe('MISS');
    }
    return took;
  };

  it('CACHE-14: a request waits for a slow Redis at most CACHE_WAIT_MS in all', async () => {
    const { redis, a } = await setUp({ CACHE_WAIT_MS: '300', REDIS_COMMAND_TIMEOUT_MS: '2000' });
    // a miss's own cost (building and compressing a page), with Redis answering
    const baseline = Math.max(...(await timeCatalog(a, [11, 12, 13])));
    redis.pause();
    // no command times out in this time: only the wait bounds each request (a read, a lock
    // and a write would each have waited up to 2 s; a wait per step, 3 × 300 ms); the slack
    // over the wait is for a busy machine's pauses
    const took = await timeCatalog(a, [1, 2, 3]);
    expect(Math.max(...took)).toBeLessThan(baseline + 300 + 300);
  });

  it('CACHE-14: after a timeout Redis is not called, the change is logged once, and /ready says degraded', async () => {
    // a timeout long enough that a request which waits for one is told apart from one that
    // does not, on a loaded machine too (a miss took up to 290 ms there with Redis answering)
    const { redis, a, lines } = await setUp({
      REDIS_COMMAND_TIMEOUT_MS: '600',
      CACHE_WAIT_MS: '1000',
    });
    expect(await cacheState(a)).toEqual({ status: 200, cache: 'up' });
    const baseline = Math.max(...(await timeCatalog(a, [11, 12, 13])));

    redis.pause();
    // two after the first: both within the breaker's cool-down (1 s), so neither is its probe
    const [first = 0, ...spared] = await timeCatalog(a, [1, 2, 3]);
    // the first waits for one command timeout; the breaker spares the others any wait
    expect(first).toBeGreaterThanOrEqual(550);
    expect(first).toBeLessThan(baseline + 600 + 300);
    expect(Math.max(...spared), `baseline ${baseline} ms`).toBeLessThan(baseline + 300);
    expect(await cacheState(a)).toEqual({ status: 200, cache: 'degraded' });

    await resumed(redis);
    await expect.poll(async () => (await cacheState(a)).cache).toBe('up');
    const down = lines.filter((line) => line.includes('Redis is unreachable'));
    expect(down).toHaveLength(1);
    expect(down[0]).toContain('not answering');
    expect(lines.filter((line) => line.includes('Redis is back'))).toHaveLength(1);
  });

  it('CACHE-8: an edited item is not read back as the original while Redis is paused', async () => {
    const { redis, a, b } = await setUp();
    expect((await put(a, 44, 'edited')).status).toBe(200);

    redis.pause();
    // neither instance has the item cached: the row is needed and cannot be read
    for (const server of [a, b]) {
      const res = await fetch(`${server.url}/api/items/44`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    }
    await resumed(redis);
    await expect.poll(() => nameOn(b, 44)).toBe('edited');
  });
});
