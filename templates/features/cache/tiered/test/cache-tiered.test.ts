import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

const outcome = (res: Response) => res.headers.get('x-cache');

/** PUTs a new name for item `id` on `from`, and waits until `to` answers with it */
async function renameAndWait(from: RunningServer, to: RunningServer, id: number, name: string) {
  await fetch(`${from.url}/api/items/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const nameOn = async (server: RunningServer) =>
    ((await (await fetch(`${server.url}/api/items/${id}`)).json()) as { name: string }).name;
  await expect.poll(() => nameOn(to)).toBe(name);
}

describe('two tiers', () => {
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    const shared = { CACHE_PREFIX: `test-${crypto.randomUUID()}`, ITEM_LOAD_MS: '0' };
    [a, b] = [await start(shared), await start(shared)];
  });
  afterAll(() => Promise.all([a.close(), b.close()]));

  it('CACHE-3: a hit is served from memory once an instance has read the value', async () => {
    await fetch(`${a.url}/api/items/31`);
    await fetch(`${b.url}/api/items/31`);
    // delete the shared copy behind the cache's back: b still answers from its memory tier
    const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
    await redis.del(await b.context.cache.key('items', '31'));
    redis.disconnect();
    expect(outcome(await fetch(`${b.url}/api/items/31`))).toBe('HIT');
  });

  it('CACHE-3: an invalidation on one instance reaches the memory tier of the other', async () => {
    await fetch(`${a.url}/api/items/32`);
    expect(outcome(await fetch(`${b.url}/api/items/32`))).toBe('HIT');
    await renameAndWait(a, b, 32, 'Tier two');
  });

  it('CACHE-15: an invalidation on one instance reaches the front tier of the other', async () => {
    const servedByB = () => b.context.frontCache?.served ?? 0;
    await fetch(`${a.url}/api/items/33`);
    await fetch(`${b.url}/api/items/33`);
    // the front tier admits an entry once the route's answer has finished
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = servedByB();
    expect(outcome(await fetch(`${b.url}/api/items/33`))).toBe('HIT');
    expect(servedByB() - before).toBe(1);
    await renameAndWait(a, b, 33, 'Front of b');
  });
});
