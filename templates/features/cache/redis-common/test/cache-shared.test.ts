import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const outcome = (res: Response) => res.headers.get('x-cache');

/** two instances of the app sharing one Redis and one key prefix, like two pods */
async function twoInstances(
  env: Record<string, string> = {},
): Promise<[RunningServer, RunningServer]> {
  const shared = { CACHE_PREFIX: `test-${crypto.randomUUID()}`, ...env };
  return [await start(shared), await start(shared)];
}

describe('shared cache', () => {
  let redis: Redis;
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    redis = new Redis(redisUrl);
    [a, b] = await twoInstances({ ITEM_LOAD_MS: '200' });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    redis.disconnect();
  });

  it('CACHE-2: a value loaded by one instance is a hit on the other, under the key prefix', async () => {
    expect(outcome(await fetch(`${a.url}/api/items/21`))).toBe('MISS');
    expect(outcome(await fetch(`${b.url}/api/items/21`))).toBe('HIT');
    const keys = await redis.keys(`${a.context.cache.options.prefix}:items:*`);
    expect(keys.some((key) => /:items:v\d+:21$/.test(key))).toBe(true);
  });

  it('CACHE-12: concurrent misses on two instances run the loader once in all', async () => {
    const requests = Array.from({ length: 100 }, (_, i) =>
      fetch(`${(i % 2 ? a : b).url}/api/items/22`),
    );
    const outcomes = (await Promise.all(requests)).map(outcome);
    expect(outcomes.filter((o) => o === 'MISS')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'HIT')).toHaveLength(99);
  });

  it('CACHE-7: bumping a namespace version on one instance retires it on both', async () => {
    await fetch(`${a.url}/api/items/23`);
    expect(outcome(await fetch(`${b.url}/api/items/23`))).toBe('HIT');
    await a.context.items.forgetAllItems();
    await expect.poll(async () => outcome(await fetch(`${b.url}/api/items/23`))).not.toBe('HIT');
  });

  it('CACHE-8: a PUT on one instance is seen by a GET on the other at once', async () => {
    await fetch(`${a.url}/api/items/24`);
    await fetch(`${b.url}/api/items/24`);
    await fetch(`${a.url}/api/items/24`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Seen everywhere' }),
    });
    const after = await fetch(`${b.url}/api/items/24`);
    expect(await after.json()).toMatchObject({ name: 'Seen everywhere', revision: 2 });
  });
});

describe('without Redis', () => {
  it('CACHE-2: with no REDIS_URL the cache runs in memory, and says so once at start', async () => {
    const lines: string[] = [];
    const server = await start({ REDIS_URL: '', LOG_LEVEL: 'warn' }, (line) => lines.push(line));
    try {
      expect(server.context.cache.store.kind).toBe('memory');
      await fetch(`${server.url}/api/items/26`);
      expect(outcome(await fetch(`${server.url}/api/items/26`))).toBe('HIT');
      expect(lines.filter((line) => line.includes('REDIS_URL is not set'))).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('CACHE-14: an unreachable Redis sends requests to the loader, and /ready stays 200', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const server = await start({ REDIS_URL: `redis://127.0.0.1:${port}`, ITEM_LOAD_MS: '0' });
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await fetch(`${server.url}/api/catalog?page=2`));
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
      // the first goes to the loader; later ones too, or to the memory tier where there is one
      expect(outcome(answers[0] as Response)).toBe('MISS');
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { cache: { status: 'degraded' } } });
      expect(server.context.cache.bypassed).toBeGreaterThan(0);

      // the sample keeps its edited items in the same Redis: without it an item is unknown,
      // and saying so beats answering an edited item with its original
      const item = await fetch(`${server.url}/api/items/25`);
      expect(item.status).toBe(503);
      expect(item.headers.get('retry-after')).toBe('1');
    } finally {
      await server.close();
    }
  });
});
