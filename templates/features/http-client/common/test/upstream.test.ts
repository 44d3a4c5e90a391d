import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
}

/** what the test upstream does with one request: answer it, or cut the connection */
type Answer = Reply | 'reset';

/**
 * An upstream on loopback that answers each request with the next answer of `script` (the last
 * one repeats), and records when each request came, its method, and the connections used.
 */
async function scriptedUpstream(...script: Answer[]) {
  const hits: { at: number; method: string }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res: ServerResponse) => {
    const answer = script[Math.min(hits.length, script.length - 1)] ?? { status: 200 };
    hits.push({ at: Date.now(), method: req.method ?? '' });
    sockets.add(req.socket);
    req.resume();
    if (answer === 'reset') return req.socket.destroy();
    setTimeout(() => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body ?? { from: 'upstream', hit: hits.length }));
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/data`,
    hits,
    sockets,
    /** answers from now on */
    script,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

type Upstream = Awaited<ReturnType<typeof scriptedUpstream>>;

/** the app calling `upstream`, with fast retries unless `env` says otherwise */
async function withApp(
  upstream: Upstream,
  env: Record<string, string>,
  test: (server: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await start({
    UPSTREAM_URL: upstream.url,
    HTTP_CLIENT_RETRY_BASE_MS: '20',
    ...env,
  });
  try {
    await test(server);
  } finally {
    await server.close();
    upstream.close();
  }
}

const call = (server: RunningServer, init?: RequestInit) =>
  fetch(`${server.url}/api/upstream`, init);

describe('retries', () => {
  it("POOL-6: a 503 twice, then a 200: the route answers 200 with the upstream's JSON", async () => {
    const upstream = await scriptedUpstream(
      { status: 503 },
      { status: 503 },
      { status: 200, body: { ok: 1 } },
    );
    await withApp(upstream, {}, async (server) => {
      const res = await call(server);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: 1 });
      expect(upstream.hits).toHaveLength(3);
    });
  });

  it('POOL-6: a 429 with Retry-After: 1 is asked again about a second later', async () => {
    const upstream = await scriptedUpstream(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 200 },
    );
    await withApp(upstream, {}, async (server) => {
      expect((await call(server)).status).toBe(200);
      const [first, second] = upstream.hits;
      const waited = (second?.at ?? 0) - (first?.at ?? 0);
      expect(waited).toBeGreaterThanOrEqual(950);
      expect(waited).toBeLessThan(2000);
    });
  });

  it('POOL-6: a connection reset before the answer is retried', async () => {
    const upstream = await scriptedUpstream('reset', { status: 200 });
    await withApp(upstream, {}, async (server) => {
      expect((await call(server)).status).toBe(200);
      expect(upstream.hits).toHaveLength(2);
    });
  });

  it('POOL-6: once HTTP_CLIENT_RETRIES are spent the route answers 502', async () => {
    const upstream = await scriptedUpstream({ status: 503 });
    await withApp(upstream, { HTTP_CLIENT_RETRIES: '2' }, async (server) => {
      const res = await call(server);
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ error: 'The upstream answered 503 after 3 attempts' });
      expect(upstream.hits).toHaveLength(3);
    });
  });

  it('POOL-6: a POST is sent once, never retried', async () => {
    const upstream = await scriptedUpstream({ status: 503 });
    await withApp(upstream, {}, async (server) => {
      const res = await call(server, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order: 1 }),
      });
      expect(res.status).toBe(502);
      expect(upstream.hits).toEqual([{ at: expect.any(Number), method: 'POST' }]);
    });
  });

  it('POOL-6: a slow upstream is given up on at HTTP_CLIENT_HEADERS_TIMEOUT_MS, not retried', async () => {
    const upstream = await scriptedUpstream({ status: 200, delayMs: 3000 });
    await withApp(upstream, { HTTP_CLIENT_HEADERS_TIMEOUT_MS: '300' }, async (server) => {
      const startedAt = Date.now();
      expect((await call(server)).status).toBe(502);
      expect(Date.now() - startedAt).toBeLessThan(1500);
      expect(upstream.hits).toHaveLength(1);
    });
  });
});

describe('the pool', () => {
  it('POOL-5: calls reuse one keep-alive connection', async () => {
    const upstream = await scriptedUpstream({ status: 200 });
    await withApp(upstream, {}, async (server) => {
      for (let i = 0; i < 10; i++) expect((await call(server)).status).toBe(200);
      expect(upstream.sockets.size).toBe(1);
    });
  });

  it('POOL-5: at most HTTP_CLIENT_CONNECTIONS connections to one origin; the rest wait', async () => {
    const upstream = await scriptedUpstream({ status: 200, delayMs: 50 });
    await withApp(upstream, { HTTP_CLIENT_CONNECTIONS: '2' }, async (server) => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => call(server)));
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
      expect(upstream.sockets.size).toBeLessThanOrEqual(2);
    });
  });

  it('OBS-5: Server-Timing shows the time spent upstream', async () => {
    const upstream = await scriptedUpstream({ status: 200, delayMs: 20 });
    await withApp(upstream, { SERVER_TIMING: 'true' }, async (server) => {
      const timing = (await call(server)).headers.get('server-timing');
      expect(timing).toMatch(/upstream;dur=(\d+)\.\d/);
      expect(Number(/upstream;dur=(\d+)/.exec(timing ?? '')?.[1])).toBeGreaterThanOrEqual(20);
    });
  });
});

describe('the circuit breaker', () => {
  it('POOL-7: after HTTP_CLIENT_CIRCUIT_FAILURES failures in a row it answers 503 at once, with Retry-After; a probe after the cool-down closes it', async () => {
    const upstream = await scriptedUpstream({ status: 500 });
    const env = {
      HTTP_CLIENT_RETRIES: '0',
      HTTP_CLIENT_CIRCUIT_FAILURES: '3',
      HTTP_CLIENT_CIRCUIT_COOL_DOWN_MS: '1000',
    };
    await withApp(upstream, env, async (server) => {
      for (let i = 0; i < 3; i++) expect((await call(server)).status).toBe(502);
      const open = await call(server);
      expect(open.status).toBe(503);
      expect(open.headers.get('retry-after')).toBe('1');
      expect(upstream.hits).toHaveLength(3); // nothing was sent
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { upstream: { status: 'degraded' } } });

      // the upstream recovers; after the cool-down one probe goes through and closes the circuit
      upstream.script.splice(0, upstream.script.length, { status: 200 });
      await sleep(1100);
      expect((await call(server)).status).toBe(200);
      expect((await call(server)).status).toBe(200);
      expect(upstream.hits).toHaveLength(5);
    });
  });

  it('POOL-7: a failed probe opens the circuit for another cool-down', async () => {
    const upstream = await scriptedUpstream({ status: 500 });
    const env = {
      HTTP_CLIENT_RETRIES: '0',
      HTTP_CLIENT_CIRCUIT_FAILURES: '1',
      HTTP_CLIENT_CIRCUIT_COOL_DOWN_MS: '500',
    };
    await withApp(upstream, env, async (server) => {
      expect((await call(server)).status).toBe(502);
      expect((await call(server)).status).toBe(503);
      await sleep(600);
      expect((await call(server)).status).toBe(502); // the probe
      expect((await call(server)).status).toBe(503);
      expect(upstream.hits).toHaveLength(2);
    });
  });
});
