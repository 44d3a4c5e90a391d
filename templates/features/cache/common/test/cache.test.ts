import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoize, invalidate } from '../src/perf/cache/memoize.js';
import { MemoryStore, type CacheRecord } from '../src/perf/cache/store.js';
import type { RunningServer } from '../src/server.js';
import { testEnv } from './env.js';
import { start } from './helpers.js';
import { freePort, untilAnswering } from './net.js';

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
const outcome = (res: Response) => res.headers.get('x-cache');
const put = (url: string, body: unknown) =>
  fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

interface ItemBody {
  id: number;
  name: string;
  revision: number;
  updatedAt: string;
}

describe('cached routes', () => {
  let server: RunningServer;
  let n = 0;
  // every test reads ids no other test has touched, so none depends on another's entries
  const freshId = () => 100 + ++n;

  beforeAll(async () => {
    server = await start({ ITEM_LOAD_MS: '100' });
  });
  afterAll(() => server.close());

  it('CACHE-5: the first read of an item runs the loader, the next is a hit', async () => {
    const id = freshId();
    const first = await get(`${server.url}/api/items/${id}`);
    const second = await get(`${server.url}/api/items/${id}`);
    expect(first.status).toBe(200);
    expect(outcome(first)).toBe('MISS');
    expect(outcome(second)).toBe('HIT');
    expect(await second.json()).toEqual(await first.json());
  });

  it('CACHE-5: answers 404 for an item outside 1..1000', async () => {
    for (const id of ['0', '1001', '-5']) {
      expect((await get(`${server.url}/api/items/${id}`)).status).toBe(404);
    }
  });

  it('CACHE-5: answers 400 for an id that is not a whole number, even one spelling a cached id', async () => {
    // item 100 is cached (and admitted to the front tier) before `1e2` is asked for
    await get(`${server.url}/api/items/100`);
    await get(`${server.url}/api/items/100`);
    for (const id of ['abc', '1.5', '1e2', '100.0', '0x64']) {
      const answer = await get(`${server.url}/api/items/${id}`);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error: 'An item id is a whole number' });
    }
  });

  it('CACHE-11: concurrent misses of one key run the loader once', async () => {
    const id = freshId();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => get(`${server.url}/api/items/${id}`)),
    );
    const outcomes = answers.map(outcome);
    expect(outcomes.filter((o) => o === 'MISS')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'HIT')).toHaveLength(49);
  });

  it('CACHE-8: a PUT invalidates the entry before it answers', async () => {
    const id = freshId();
    await get(`${server.url}/api/items/${id}`);
    const put = await fetch(`${server.url}/api/items/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Renamed' }),
    });
    expect(put.status).toBe(200);
    const after = await get(`${server.url}/api/items/${id}`);
    expect(outcome(after)).toBe('MISS');
    expect(await after.json()).toMatchObject({ id, name: 'Renamed', revision: 2 });
  });

  it('CACHE-8: what a GET returned, edited and sent back whole, is a valid PUT', async () => {
    const url = `${server.url}/api/items/${freshId()}`;
    const read = (await (await get(url)).json()) as ItemBody;
    const answer = await put(url, { ...read, name: 'Edited', updatedAt: 'not a date' });
    expect(answer.status).toBe(200);
    const written = (await answer.json()) as ItemBody;
    expect(written).toMatchObject({ id: read.id, name: 'Edited', revision: read.revision + 1 });
    // the store's own fields stay the store's
    expect(written.updatedAt).not.toBe('not a date');
    expect(await (await get(url)).json()).toEqual(written);
  });

  it('CACHE-8: a PUT naming a revision the item has left answers 409 and writes nothing', async () => {
    const url = `${server.url}/api/items/${freshId()}`;
    const read = (await (await get(url)).json()) as ItemBody;
    expect((await put(url, { ...read, name: 'First' })).status).toBe(200);
    // a second client that read the same revision
    const late = await put(url, { ...read, name: 'Second' });
    expect(late.status).toBe(409);
    const conflict = (await late.json()) as { error: string; item: ItemBody };
    expect(conflict.error).toMatch(/revision 2/);
    expect(conflict.item).toMatchObject({ name: 'First', revision: 2 });
    expect(await (await get(url)).json()).toMatchObject({ name: 'First', revision: 2 });
  });

  it("CACHE-8: a PUT whose body names another item's id answers 400", async () => {
    const id = freshId();
    const answer = await put(`${server.url}/api/items/${id}`, { id: id + 1, name: 'Moved' });
    expect(answer.status).toBe(400);
    expect(await (await get(`${server.url}/api/items/${id}`)).json()).toMatchObject({
      revision: 1,
    });
  });

  it('CACHE-8: a PUT with an invalid body answers 400 and changes nothing', async () => {
    const id = freshId();
    const put = await fetch(`${server.url}/api/items/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ price: -1 }),
    });
    expect(put.status).toBe(400);
    expect(await (await get(`${server.url}/api/items/${id}`)).json()).toMatchObject({
      revision: 1,
    });
  });

  it('CACHE-4: a catalog page is cached per page, language and auth state', async () => {
    const page = `${server.url}/api/catalog?page=3`;
    expect(outcome(await get(page, { 'accept-language': 'ko-KR,ko;q=0.9' }))).toBe('MISS');
    expect(outcome(await get(`${page}&lang=ko`))).toBe('HIT');
    expect(outcome(await get(page, { 'accept-language': 'de' }))).toBe('MISS');
    expect(outcome(await get(page, { 'accept-language': 'ko', authorization: 'Bearer x' }))).toBe(
      'MISS',
    );
    const body = (await (await get(`${page}&lang=ko`)).json()) as { lang: string };
    expect(body.lang).toBe('ko');
  });

  it('CACHE-4: a catalog page is about 20 KB and the tiny route under 200 bytes', async () => {
    // uncompressed sizes: with compression on, a client that takes gzip gets fewer bytes
    const identity = { 'accept-encoding': 'identity' };
    const page = await get(`${server.url}/api/catalog?page=1`, identity);
    expect(Number(page.headers.get('content-length'))).toBeGreaterThan(15_000);
    const tiny = await get(`${server.url}/api/tiny`, identity);
    expect(Number(tiny.headers.get('content-length'))).toBeLessThan(200);
  });

  it('CACHE-4: an out-of-range page answers 400', async () => {
    expect((await get(`${server.url}/api/catalog?page=0`)).status).toBe(400);
    expect((await get(`${server.url}/api/catalog?page=x`)).status).toBe(400);
  });

  it('HTTP-1: a matching If-None-Match answers 304 with no body; lists, W/ and * match', async () => {
    const url = `${server.url}/api/items/${freshId()}`;
    const first = await get(url);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await get(url)).headers.get('etag')).toBe(etag);
    for (const ifNoneMatch of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const res = await get(url, { 'if-none-match': ifNoneMatch });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
    }
    expect((await get(url, { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('HTTP-2: Last-Modified and If-Modified-Since answer 304 when nothing changed', async () => {
    const url = `${server.url}/api/items/${freshId()}`;
    const lastModified = (await get(url)).headers.get('last-modified') ?? '';
    expect(Date.parse(lastModified)).not.toBeNaN();
    expect((await get(url, { 'if-modified-since': lastModified })).status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await get(url, { 'if-modified-since': before })).status).toBe(200);
    // If-None-Match wins: a stale tag means 200 whatever the date says
    const both = { 'if-modified-since': lastModified, 'if-none-match': '"stale"' };
    expect((await get(url, both)).status).toBe(200);
  });

  it('HTTP-3: each cached route sends its own Cache-Control', async () => {
    const item = await get(`${server.url}/api/items/${freshId()}`);
    expect(item.headers.get('cache-control')).toBe('public, no-cache');
    const page = await get(`${server.url}/api/catalog?page=2`);
    expect(page.headers.get('cache-control')).toMatch(
      /^public, max-age=\d+, stale-while-revalidate=\d+$/,
    );
  });

  it('HTTP-5: the catalog varies on the headers its key reads', async () => {
    const page = await get(`${server.url}/api/catalog?page=4`);
    expect(page.headers.get('vary')).toMatch(/Accept-Language/);
    expect(page.headers.get('vary')).toMatch(/Authorization/);
  });

  it('CACHE-6: get, set, add (set-if-absent) and delete', async () => {
    const { store, options } = server.context.cache;
    const key = `${options.prefix}:test:v1:${freshId()}`;
    const record: CacheRecord = {
      value: 'a',
      storedAt: Date.now(),
      freshUntil: Date.now() + 60_000,
      size: 1,
    };
    expect(await store.add(key, record, 60_000)).toBe(true);
    expect(await store.add(key, { ...record, value: 'b' }, 60_000)).toBe(false);
    expect((await store.get(key))?.value).toBe('a');
    await store.set(key, { ...record, value: 'c' }, 60_000);
    expect((await store.get(key))?.value).toBe('c');
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
  });

  it('CACHE-5, CACHE-7: invalidate(fn, ...args) forgets one call, invalidate(fn) all of them', async () => {
    const { cache } = server.context;
    const calls: number[] = [];
    const double = memoize(cache, async (x: number) => (calls.push(x), x * 2), {
      namespace: `double-${freshId()}`,
      ttlMs: 60_000,
      graceMs: 0,
    });
    expect(await double(1)).toBe(2);
    expect(await double(2)).toBe(4);
    expect(await double(1)).toBe(2);
    expect(calls).toEqual([1, 2]);

    await invalidate(double, 1);
    await double(1);
    await double(2);
    expect(calls).toEqual([1, 2, 1]);

    const before = await cache.key('ns-probe', '1');
    await invalidate(double);
    await double(1);
    await double(2);
    expect(calls).toEqual([1, 2, 1, 1, 2]);
    // versioned keys: prefix:namespace:vN:id
    expect(before).toMatch(/^[\w.-]+:ns-probe:v\d+:1$/);
  });
});

describe('freshness', () => {
  it('CACHE-9: items and catalog pages keep their own TTLs', async () => {
    const server = await start({
      ITEM_LOAD_MS: '0',
      CACHE_ITEMS_TTL_SECONDS: '1',
      CACHE_CATALOG_TTL_SECONDS: '60',
      CACHE_GRACE_SECONDS: '0',
    });
    await get(`${server.url}/api/items/7`);
    await get(`${server.url}/api/catalog?page=7`);
    await sleep(1100);
    expect(outcome(await get(`${server.url}/api/items/7`))).toBe('MISS');
    expect(outcome(await get(`${server.url}/api/catalog?page=7`))).toBe('HIT');
    await server.close();
  });

  it('CACHE-13: after the TTL, within the grace period, a stale value is served at once and refreshed', async () => {
    const server = await start({
      ITEM_LOAD_MS: '300',
      CACHE_TTL_SECONDS: '1',
      CACHE_GRACE_SECONDS: '30',
    });
    const url = `${server.url}/api/items/8`;
    const first = await get(url);
    await sleep(1100);
    // STALE: answered from the old entry, without waiting for the 300 ms loader
    const stale = await get(url);
    expect(outcome(stale)).toBe('STALE');
    expect(stale.headers.get('etag')).toBe(first.headers.get('etag'));
    await sleep(500);
    // the refresh ran in the background: fresh again, without another miss
    expect(outcome(await get(url))).toBe('HIT');
    await server.close();
  });

  it('CACHE-10: warm-up fills the listed items before /ready turns 200', async () => {
    const server = await start({ ITEM_LOAD_MS: '100', CACHE_WARM_UP: '11,12' });
    expect((await get(`${server.url}/ready`)).status).toBe(200);
    expect(outcome(await get(`${server.url}/api/items/11`))).toBe('HIT');
    expect(outcome(await get(`${server.url}/api/items/12`))).toBe('HIT');
    await server.close();
  });

  it('RUN-2, CACHE-10: a SIGTERM during the warm-up, once /health answers, still exits 0', async () => {
    // /health answers as soon as the server listens; the warm-up (a second here) runs after
    const port = await freePort();
    const app = spawn('node', ['dist/main.js'], {
      env: {
        ...process.env,
        ...testEnv(),
        PORT: String(port),
        ITEM_LOAD_MS: '1000',
        CACHE_WARM_UP: '13',
      },
      stdio: 'ignore',
    });
    const exited = once(app, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // asked often: the warm-up window is a second
    await untilAnswering(`http://127.0.0.1:${port}/health`, app, { everyMs: 10 });
    expect((await get(`http://127.0.0.1:${port}/ready`)).status).toBe(503);
    app.kill('SIGTERM');
    // killed by the signal, it would exit with no code
    expect(await exited).toEqual([0, null]);
  });

  it('CACHE-10: a bad warm-up list stops the server with a clear message', async () => {
    await expect(start({ CACHE_WARM_UP: '1,two' })).rejects.toThrow(
      'Invalid setting CACHE_WARM_UP="1,two": takes ids like 1,2,3',
    );
  });
});

describe('the in-memory store', () => {
  const record = (size: number): CacheRecord => ({
    value: 'x'.repeat(size),
    storedAt: Date.now(),
    freshUntil: Date.now() + 60_000,
    size,
  });

  it('CACHE-1: keeps at most CACHE_MAX_ENTRIES entries, dropping the least recently used', async () => {
    const store = new MemoryStore({ maxEntries: 2, maxBytes: 1_000_000 });
    await store.set('a', record(1), 60_000);
    await store.set('b', record(1), 60_000);
    await store.get('a');
    await store.set('c', record(1), 60_000);
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('b')).toBeUndefined();
  });

  it('CACHE-1: keeps at most CACHE_MAX_BYTES bytes', async () => {
    const store = new MemoryStore({ maxEntries: 1000, maxBytes: 1000 });
    for (const key of ['a', 'b', 'c']) await store.set(key, record(400), 60_000);
    const kept = await Promise.all(['a', 'b', 'c'].map((key) => store.get(key)));
    expect(kept.filter(Boolean)).toHaveLength(2);
  });

  it('CACHE-1: forgets an entry after its TTL', async () => {
    const store = new MemoryStore({ maxEntries: 10, maxBytes: 1000 });
    await store.set('a', record(1), 50);
    await sleep(80);
    expect(await store.get('a')).toBeUndefined();
  });
});
