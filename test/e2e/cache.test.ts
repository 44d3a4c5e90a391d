// The cache across real processes: two instances of one generated app sharing Redis, a stale
// value within grace, Redis going away in the middle of a load run, and Redis paused under a
// write.

import { execa } from 'execa';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appDir, boot, freePort, type BootedApp } from '../helpers/e2e.js';
import { onePer, optionSets } from './sets.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = (res: Response) => res.headers.get('x-cache');

async function stop(...apps: BootedApp[]): Promise<void> {
  for (const app of apps) app.process.kill('SIGTERM');
  await Promise.all(apps.map((app) => app.process));
}

/** a throw-away redis-server on a free port, stopped by its pid: the shared one stays up */
async function throwAwayRedis(port?: number) {
  const chosen = port ?? (await freePort());
  const child = execa(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      reject: false,
    },
  );
  const client = new Redis({ port: chosen, lazyConnect: true, retryStrategy: () => 50 });
  // refused connections while the server starts, and after stop(): expected, not news
  client.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    if (
      await client.ping().then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    client,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      client.disconnect();
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await child;
    },
  };
}

// each backend on each framework, once
const cached = onePer(
  optionSets.filter((set) => set.answers.cache !== 'none'),
  ({ framework, cache }) => `${framework} ${cache}`,
);
const shared = cached.filter(
  (set) => set.answers.cache === 'redis' || set.answers.cache === 'tiered',
);
const tiered = shared.filter((set) => set.answers.cache === 'tiered');
const langs = ['en', 'de', 'es', 'fr', 'ja', 'ko'];

describe.each(shared)('$id: two processes sharing Redis', (set) => {
  it('CACHE-12: 200 concurrent requests for one cold key over two processes give exactly one MISS', async () => {
    const env = {
      REDIS_URL: redisUrl,
      CACHE_PREFIX: `e2e-${randomUUID()}`,
      ITEM_LOAD_MS: '300',
      // what is tested is one loader across processes: on a machine busy with other suites
      // the waiting process's polls can outlast the 250 ms defaults, and the filling one its
      // 2 s lock wait (a CI run saw 2 MISSes, one per process); a Redis that does not answer
      // is CACHE-14's case, tested below with a paused Redis
      CACHE_WAIT_MS: '5000',
      REDIS_COMMAND_TIMEOUT_MS: '5000',
      CACHE_LOCK_WAIT_MS: '10000',
    };
    const [a, b] = await Promise.all([boot(appDir(set), env), boot(appDir(set), env)]);
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => fetch(`${(i % 2 ? a : b).url}/api/items/500`)),
      );
      const outcomes = answers.map(outcome);
      expect(answers.every((res) => res.status === 200)).toBe(true);
      expect(outcomes.filter((o) => o === 'MISS')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'HIT')).toHaveLength(199);
    } finally {
      await stop(a, b);
    }
  });
});

describe.each(tiered)('$id: memory tiers kept in step', (set) => {
  it('CACHE-3, CACHE-15: a PUT on one instance is seen by a GET on the other immediately after, front tier included', async () => {
    const env = { REDIS_URL: redisUrl, CACHE_PREFIX: `e2e-${randomUUID()}`, ITEM_LOAD_MS: '0' };
    const [a, b] = await Promise.all([boot(appDir(set), env), boot(appDir(set), env)]);
    try {
      await fetch(`${a.url}/api/items/77`);
      expect(outcome(await fetch(`${b.url}/api/items/77`))).toBe('HIT'); // now in b's memory tier
      // CACHE-15: b's front tier admitted the entry on that answer, so this one never reached
      // b's framework (the app's own front-cache test counts that): the PUT must reach it too
      expect(outcome(await fetch(`${b.url}/api/items/77`))).toBe('HIT');
      const put = await fetch(`${a.url}/api/items/77`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Changed on a' }),
      });
      expect(put.status).toBe(200);
      const seen = (await (await fetch(`${b.url}/api/items/77`)).json()) as { name: string };
      expect(seen.name).toBe('Changed on a');
    } finally {
      await stop(a, b);
    }
  });
});

describe.each(shared)('$id: a write while Redis is paused', (set) => {
  it('CACHE-8: a PUT that answers 503 is not applied, and one that answers 200 is seen on both instances', async () => {
    const redis = await throwAwayRedis();
    const env = {
      REDIS_URL: redis.url,
      CACHE_PREFIX: `e2e-${randomUUID()}`,
      ITEM_LOAD_MS: '0',
      REDIS_COMMAND_TIMEOUT_MS: '250',
    };
    const [a, b] = await Promise.all([boot(appDir(set), env), boot(appDir(set), env)]);
    const put = (app: BootedApp, name: string) =>
      fetch(`${app.url}/api/items/43`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    const nameOn = async (app: BootedApp) =>
      ((await (await fetch(`${app.url}/api/items/43`)).json()) as { name: string }).name;
    try {
      for (const app of [a, b, a, b]) await fetch(`${app.url}/api/items/43`);
      expect(outcome(await fetch(`${b.url}/api/items/43`))).toBe('HIT');

      redis.pause();
      const failed = await put(a, 'changed');
      redis.resume();
      await redis.client.ping(); // whatever reached the paused server has run now

      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('1');
      expect(await redis.client.hget(`${env.CACHE_PREFIX}:items:rows`, '43')).toBeNull();
      // never the refused write: the item as it was, or 503 on an instance whose breaker keeps
      // the row store closed for a moment after the timeout (a's own entry went with the PUT)
      for (let i = 0; i < 5; i++) {
        for (const app of [a, b]) {
          const res = await fetch(`${app.url}/api/items/43`);
          if (res.status === 503) expect(res.headers.get('retry-after')).toBe('1');
          else expect(((await res.json()) as { name: string }).name).toBe('Item 43');
        }
        await sleep(400);
      }

      await expect.poll(async () => (await put(a, 'changed')).status).toBe(200);
      expect(await nameOn(a)).toBe('changed');
      expect(await nameOn(b)).toBe('changed');
    } finally {
      await stop(a, b);
      await redis.stop();
    }
  });
});

describe.each(cached)('$id: grace', (set) => {
  it('CACHE-13: after the TTL a request gets STALE at once, and the refreshed value follows', async () => {
    const env = {
      REDIS_URL: redisUrl,
      CACHE_PREFIX: `e2e-${randomUUID()}`,
      ITEM_LOAD_MS: '500',
      CACHE_TTL_SECONDS: '1',
      CACHE_GRACE_SECONDS: '30',
    };
    const app = await boot(appDir(set), env);
    try {
      expect(outcome(await fetch(`${app.url}/api/items/9`))).toBe('MISS');
      await sleep(1200);
      const stale = await fetch(`${app.url}/api/items/9`);
      expect(stale.status).toBe(200);
      expect(outcome(stale)).toBe('STALE');
      // the refresh takes the loader's 500 ms in the background; then the entry is fresh again
      await sleep(800);
      expect(outcome(await fetch(`${app.url}/api/items/9`))).toBe('HIT');
    } finally {
      await stop(app);
    }
  });
});

describe.each(shared)('$id: Redis goes away under load', (set) => {
  it('CACHE-14: no 5xx while Redis is down but 503 for rows it keeps, and caching resumes once it is back', async () => {
    const redis = await throwAwayRedis();
    const app = await boot(appDir(set), { REDIS_URL: redis.url, ITEM_LOAD_MS: '5' });
    const statuses = new Map<number, number>();
    let failures = 0;
    let running = true;
    const worker = async (offset: number) => {
      for (let i = 0; running; i++) {
        // catalog pages: the cache's own outage is never a 5xx (the sample's edited items live
        // in the same Redis, so an item that is not cached answers 503 meanwhile: see below)
        const page = ((offset * 7 + i) % 20) + 1;
        const res = await fetch(`${app.url}/api/catalog?page=${page}&lang=${langs[i % 6]}`).catch(
          () => undefined,
        );
        if (!res) failures++;
        else {
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          await res.arrayBuffer();
        }
      }
    };
    try {
      const load = Promise.all(Array.from({ length: 16 }, (_, i) => worker(i)));
      await sleep(1500);
      await redis.stop(); // killed mid-load
      await sleep(1000);
      const item = await fetch(`${app.url}/api/items/321`);
      expect(item.status).toBe(503);
      expect(item.headers.get('retry-after')).toBe('1');
      await sleep(1000);
      const back = await throwAwayRedis(redis.port); // back on the same address
      await sleep(3000); // reconnects within its retry backoff (at most 2 s)
      running = false;
      await load;

      expect(failures).toBe(0);
      expect([...statuses.keys()]).toEqual([200]);
      expect(statuses.get(200)).toBeGreaterThan(100);
      // caching resumed by itself: the shared store holds entries again, and a repeat is a hit
      await fetch(`${app.url}/api/items/999`);
      expect(outcome(await fetch(`${app.url}/api/items/999`))).toBe('HIT');
      expect(await back.client.dbsize()).toBeGreaterThan(0);
      // one line per change of state, not one per request: down and back alternate (on a
      // loaded machine a command may also time out after the reconnection, a second change)
      const changes = app
        .output()
        .split('\n')
        .flatMap((line) =>
          line.includes('Redis is unreachable')
            ? ['down']
            : line.includes('Redis is back')
              ? ['back']
              : [],
        );
      expect(changes.length).toBeGreaterThanOrEqual(2);
      expect(changes.length).toBeLessThanOrEqual(4);
      changes.forEach((change, i) => expect(change).toBe(i % 2 === 0 ? 'down' : 'back'));
      expect(changes.at(-1)).toBe('back');
      await back.stop();
    } finally {
      running = false;
      await stop(app);
    }
  });
});
