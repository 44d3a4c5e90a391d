// Outbound calls across real processes: the built app calling an upstream on loopback that
// fails, throttles, dies and comes back (POOL-5..7).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { appDir, boot, freePort, type BootedApp } from '../helpers/e2e.js';
import { onePer, optionSets } from './sets.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** one set with the HTTP client per framework */
const sets = onePer(
  optionSets.filter((set) => set.answers.httpClient),
  ({ framework }) => framework,
);

interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * An upstream on loopback: request n gets `script[n]` (the last answer repeats). It records
 * when each request came and its method.
 */
async function upstream(script: Answer[], port = 0) {
  const hits: { at: number; method: string }[] = [];
  const server: Server = createServer((req, res) => {
    const answer = script[Math.min(hits.length, script.length - 1)] ?? { status: 200 };
    hits.push({ at: Date.now(), method: req.method ?? '' });
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify({ from: 'upstream', hit: hits.length }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function stop(app: BootedApp): Promise<number | undefined> {
  app.process.kill('SIGTERM');
  return (await app.process).exitCode;
}

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);
  const fast = { HTTP_CLIENT_RETRY_BASE_MS: '20' };

  it('POOL-6: an upstream that fails with 503 twice, then answers: the route answers 200', async () => {
    const up = await upstream([{ status: 503 }, { status: 503 }, { status: 200 }]);
    const app = await boot(dir, { ...fast, UPSTREAM_URL: up.url });
    try {
      const res = await fetch(`${app.url}/api/upstream`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ from: 'upstream', hit: 3 });
      expect(up.hits).toHaveLength(3);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await up.close();
    }
  });

  it('POOL-6: a 429 with Retry-After: 1 is asked again about a second later', async () => {
    const up = await upstream([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const app = await boot(dir, { ...fast, UPSTREAM_URL: up.url });
    try {
      const startedAt = Date.now();
      expect((await fetch(`${app.url}/api/upstream`)).status).toBe(200);
      const elapsed = Date.now() - startedAt;
      const waited = (up.hits[1]?.at ?? 0) - (up.hits[0]?.at ?? 0);
      expect(waited).toBeGreaterThanOrEqual(950);
      expect(waited).toBeLessThan(2000);
      expect(elapsed).toBeGreaterThanOrEqual(950);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await up.close();
    }
  });

  it('POOL-6: a POST is sent once, never retried', async () => {
    const up = await upstream([{ status: 503 }]);
    const app = await boot(dir, { ...fast, UPSTREAM_URL: up.url });
    try {
      const res = await fetch(`${app.url}/api/upstream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order: 42 }),
      });
      expect(res.status).toBe(502);
      expect(up.hits.map((hit) => hit.method)).toEqual(['POST']);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await up.close();
    }
  });

  it('POOL-7: a dead upstream opens the circuit after the configured failures; it closes once the upstream is back', async () => {
    const port = await freePort(); // nothing listens here yet: connections are refused
    const app = await boot(dir, {
      ...fast,
      UPSTREAM_URL: `http://127.0.0.1:${port}/data`,
      HTTP_CLIENT_RETRIES: '1',
      HTTP_CLIENT_CIRCUIT_FAILURES: '3',
      HTTP_CLIENT_CIRCUIT_COOL_DOWN_MS: '2000',
    });
    try {
      const failures = [];
      for (let i = 0; i < 3; i++) failures.push((await fetch(`${app.url}/api/upstream`)).status);
      expect(failures).toEqual([502, 502, 502]);

      const startedAt = Date.now();
      const open = await fetch(`${app.url}/api/upstream`);
      expect(open.status).toBe(503);
      expect(Number(open.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Date.now() - startedAt).toBeLessThan(500); // answered at once, not after Retry-After
      const ready = await fetch(`${app.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { upstream: { status: 'degraded' } } });
      expect(app.output()).toContain('circuit open');

      const up = await upstream([{ status: 200 }], port);
      try {
        await sleep(2100);
        expect((await fetch(`${app.url}/api/upstream`)).status).toBe(200);
        expect((await fetch(`${app.url}/api/upstream`)).status).toBe(200);
        expect(app.output()).toContain('circuit closed');
      } finally {
        await up.close();
      }
    } finally {
      expect(await stop(app), app.output()).toBe(0);
    }
  });
});
