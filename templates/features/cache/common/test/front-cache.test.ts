import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cache } from '../src/perf/cache/cache.js';
import { FrontCache } from '../src/perf/cache/front.js';
import { answer, jsonResponse } from '../src/perf/cache/http.js';
import { memoize } from '../src/perf/cache/memoize.js';
import { MemoryStore } from '../src/perf/cache/store.js';
import type { RunningServer } from '../src/server.js';
import { loadEventLoop } from './event-loop.js';
import { start } from './helpers.js';
import { send, type Answer } from './net.js';

// the front tier lives in the cache's in-process tier: a cache in Redis only has none
const probe = await start();
const hasFront = probe.context.cache.store.local !== undefined;
await probe.close();

describe('CACHE-15: the front tier', () => {
  it('CACHE-15: is on exactly when the cache has an in-process tier', async () => {
    const server = await start();
    expect(server.context.frontCache !== undefined).toBe(hasFront);
    expect(server.context.front !== undefined).toBe(hasFront);
    await server.close();
  });
});

describe.runIf(hasFront)('CACHE-15: hits answered before the framework', () => {
  let server: RunningServer;
  let n = 0;
  const freshId = () => 300 + ++n;
  const served = () => server.context.frontCache?.served ?? 0;

  /** fills the entry and lets the route's answer admit it; the next request is the front's */
  async function filled(path: string, headers: Record<string, string> = {}) {
    const miss = await send(`${server.url}${path}`, headers);
    expect(miss.headers['x-cache']).toBe('MISS');
    // the route's answer is judged once node:http has handed it to the socket
    await sleep(20);
    return miss;
  }

  beforeAll(async () => {
    server = await start({ ITEM_LOAD_MS: '20' });
  });
  afterAll(() => server.close());

  it('CACHE-15: a hit is answered without the framework, with the same bytes and headers', async () => {
    const path = `/api/items/${freshId()}`;
    await filled(path);
    const before = served();
    const hits = await Promise.all(Array.from({ length: 10 }, () => send(`${server.url}${path}`)));
    expect(served() - before).toBe(10);
    const [hit] = hits;
    expect(hit?.headers['x-cache']).toBe('HIT');
    expect(hits.every((answer) => hit && answer.body.equals(hit.body))).toBe(true);
    // what the route itself sends for the same entry (it enters the framework: a body-bearing GET)
    const routed = await send(`${server.url}${path}`, { 'content-length': '0' });
    expect(served() - before).toBe(10);
    for (const name of ['etag', 'last-modified', 'cache-control', 'content-type', 'x-cache']) {
      expect(hit?.headers[name], name).toBe(routed.headers[name]);
    }
    expect(routed.body.toString()).toBe(hit?.body.toString());
  });

  it('CACHE-15: a 304 is answered without the framework', async () => {
    const path = `/api/items/${freshId()}`;
    const { headers } = await filled(path);
    const before = served();
    const notModified = await send(`${server.url}${path}`, {
      'if-none-match': String(headers.etag),
    });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(served() - before).toBe(1);
  });

  it('CACHE-15: HEAD gets the headers of GET and no body', async () => {
    const path = `/api/items/${freshId()}`;
    const get = await filled(path);
    const before = served();
    const head = await send(`${server.url}${path}`, {}, 'HEAD');
    expect(served() - before).toBe(1);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it('CACHE-15: Authorization and Cookie go to the framework when the key does not read them', async () => {
    const path = `/api/items/${freshId()}`;
    await filled(path);
    const before = served();
    expect((await send(`${server.url}${path}`, { cookie: 'session=a' })).headers['x-cache']).toBe(
      'HIT',
    );
    expect((await send(`${server.url}${path}`, { authorization: 'Bearer a' })).status).toBe(200);
    expect(served() - before).toBe(0);
  });

  it('CACHE-15: a page that depends on credentials is private and never answered by the front', async () => {
    const member = { authorization: 'Bearer member' };
    const first = await filled('/api/catalog?page=11', member);
    expect(first.headers['cache-control']).toMatch(/^private/);
    const before = served();
    const again = await send(`${server.url}/api/catalog?page=11`, member);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(served() - before).toBe(0);
  });

  it('CACHE-15: unknown query parameters and another Host reuse the entry, never make one', async () => {
    const id = freshId();
    const { headers } = await filled(`/api/items/${id}`);
    const before = served();
    const variants = [
      await send(`${server.url}/api/items/${id}?utm_source=${crypto.randomUUID()}`),
      await send(`${server.url}/api/items/${id}`, { host: 'attacker.example' }),
      await send(`${server.url}/api/items/${id}`, { 'x-forwarded-host': 'attacker.example' }),
    ];
    for (const answer of variants) {
      expect(answer.headers['x-cache']).toBe('HIT');
      expect(answer.headers.etag).toBe(headers.etag);
    }
    expect(served() - before).toBe(3);
  });

  it('CACHE-15: the catalog key reads page, lang and Accept-Language as the route does', async () => {
    await filled('/api/catalog?page=12&lang=ko');
    const before = served();
    const same = await send(`${server.url}/api/catalog?page=12`, { 'accept-language': 'ko-KR' });
    expect(same.headers['x-cache']).toBe('HIT');
    expect(served() - before).toBe(1);
    // a spelling the front tier does not parse is the framework's, and still a hit there
    const encoded = await send(`${server.url}/api/catalog?page=12&lang=%6Bo`);
    expect(encoded.headers['x-cache']).toBe('HIT');
    expect(served() - before).toBe(1);
  });

  it('CACHE-15: a PUT empties the entry in the same call', async () => {
    const id = freshId();
    const path = `/api/items/${id}`;
    await filled(path);
    const put = await fetch(`${server.url}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Front' }),
    });
    expect(put.status).toBe(200);
    const after = await send(`${server.url}${path}`);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(JSON.parse(after.body.toString())).toMatchObject({ name: 'Front' });
  });

  it('CACHE-15, CACHE-7: a version bump retires every entry at once', async () => {
    const path = `/api/items/${freshId()}`;
    await filled(path);
    await server.context.items.forgetAllItems();
    expect((await send(`${server.url}${path}`)).headers['x-cache']).toBe('MISS');
  });
});

describe.runIf(hasFront)('CACHE-15, CACHE-13: the grace period', () => {
  it('CACHE-15: one request refreshes through the framework, the others get STALE', async () => {
    const server = await start({
      ITEM_LOAD_MS: '300',
      CACHE_TTL_SECONDS: '1',
      CACHE_GRACE_SECONDS: '30',
    });
    const path = '/api/items/9';
    await send(`${server.url}${path}`);
    await sleep(1100);
    expect((await send(`${server.url}/health`)).status).toBe(200);
    const before = server.context.frontCache?.served ?? 0;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send(`${server.url}${path}`)),
    );
    expect(answers.map((answer) => answer.headers['x-cache'])).toEqual(Array(20).fill('STALE'));
    expect((server.context.frontCache?.served ?? 0) - before).toBe(19);
    await sleep(500);
    expect((await send(`${server.url}${path}`)).headers['x-cache']).toBe('HIT');
    await server.close();
  });
});

describe('CACHE-15: what a shared cache must not store', () => {
  let server: Server;
  let front: FrontCache;
  let url = '';
  let routed = 0;
  /** the headers the "framework" below adds to its answer */
  let extra: Record<string, string> = {};

  beforeAll(async () => {
    const cache = new Cache(
      new MemoryStore({ maxEntries: 100, maxBytes: 1 << 20 }),
      { prefix: 'front-test', keyVersion: 1, lockTtlMs: 0, lockWaitMs: 0 },
      pino({ level: 'silent' }),
    );
    const page = memoize(
      cache,
      async () => jsonResponse({ ok: true }, { cacheControl: 'public' }),
      {
        namespace: 'page',
        ttlMs: 60_000,
        graceMs: 0,
      },
    );
    await page();
    front = new FrontCache(cache);
    front.route({ path: '/page', key: () => page.keyNow() });
    server = createServer((req, res) => {
      if (front.serve(req, res)) return;
      routed += 1;
      void page.lookup().then((lookup) => {
        const { status, headers, body } = answer(lookup.value, lookup.outcome, req.headers);
        res.writeHead(status, { ...headers, ...extra }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const cases: [string, Record<string, string>][] = [
    ['Set-Cookie', { 'set-cookie': 'session=secret' }],
    ['Cache-Control: private', { 'cache-control': 'private, max-age=60' }],
    ['Cache-Control: no-store', { 'cache-control': 'no-store' }],
    ['Vary: *', { vary: '*' }],
  ];
  /** sends /page twice, the route adding `headers`; returns the second answer */
  async function fillAndAskAgain(headers: Record<string, string>): Promise<Answer> {
    extra = headers;
    routed = 0;
    await send(`${url}/page`);
    // the front tier admits an answer once its response has finished
    await sleep(20);
    return send(`${url}/page`);
  }

  for (const [rule, headers] of cases) {
    it(`CACHE-15: an answer with ${rule} is never stored or replayed`, async () => {
      const again = await fillAndAskAgain(headers);
      expect(routed).toBe(2);
      expect(front.served).toBe(0);
      if (headers['set-cookie']) expect(again.headers['set-cookie']).toEqual(['session=secret']);
    });
  }

  it('CACHE-15: the same answer without them is stored and replayed', async () => {
    const hit = await fillAndAskAgain({});
    expect(routed).toBe(1);
    expect(front.served).toBe(1);
    expect(hit.headers['set-cookie']).toBeUndefined();
  });
});

// last, with a server of its own: every server in this process measures the same event loop,
// so one started before would shed too until it sees the loop keep up
describe.runIf(hasFront)('CACHE-15, WORK-5: the front tier under overload', () => {
  it('CACHE-15, WORK-5: under overload hits are still answered; what the framework would answer is refused', async () => {
    let n = 900;
    const own = await start({ ITEM_LOAD_MS: '20', SHED_EVENT_LOOP_DELAY_MS: '100' });
    const path = '/api/items/990';
    expect((await send(`${own.url}${path}`)).headers['x-cache']).toBe('MISS');
    await sleep(20);
    const stopLoad = loadEventLoop(150);
    try {
      const deadline = performance.now() + 8000;
      let uncached: Answer;
      do uncached = await send(`${own.url}/api/items/${++n}`);
      while (uncached.status !== 503 && performance.now() < deadline);
      expect(uncached.status).toBe(503);
      const before = own.context.frontCache?.served ?? 0;
      const hits = await Promise.all(Array.from({ length: 10 }, () => send(`${own.url}${path}`)));
      expect(hits.map((hit) => hit.headers['x-cache'])).toEqual(Array(10).fill('HIT'));
      expect((own.context.frontCache?.served ?? 0) - before).toBe(10);
    } finally {
      stopLoad();
      await own.close();
    }
  });
});
