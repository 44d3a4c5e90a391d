import { setTimeout } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { RunningServer } from '../src/server.js';
import { loadEventLoop } from './event-loop.js';
import { start } from './helpers.js';

/** asks `url` until `done` accepts the answer, at most `timeoutMs` */
async function askUntil(
  url: string,
  done: (res: Response) => boolean | Promise<boolean>,
  timeoutMs = 8000,
) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url);
    if ((await done(res)) || performance.now() > deadline) return res;
    await res.arrayBuffer();
    await setTimeout(50);
  }
}

/** the state /ready gives the load, read from a clone so the answer can still be read */
async function loadCheck(res: Response): Promise<string> {
  const body = (await res.clone().json()) as { checks: { load?: { status: string } } };
  return body.checks.load?.status ?? 'none';
}

interface LogLine {
  msg: string;
  shed?: number;
  share?: number;
  peakShare?: number;
  eventLoopDelayMs?: number;
}

// the bound every server gets unless set (the tests' own environment turns it off)
const defaultBound = String(loadConfig({}).http.loadShedding.maxEventLoopDelayMs);

describe('load shedding', () => {
  let server: RunningServer | undefined;
  let stopLoad: (() => void) | undefined;
  const lines: LogLine[] = [];
  const boot = async (env: Record<string, string>) => {
    lines.length = 0;
    server = await start({ LOG_LEVEL: 'warn', ...env }, (line) => lines.push(JSON.parse(line)));
    return server.url;
  };
  const logged = (start: string) => lines.find((line) => line.msg.startsWith(start));
  afterEach(async () => {
    stopLoad?.();
    await server?.close();
  });

  it('WORK-5: with the default bound, a loaded event loop gets 503 + Retry-After; probes answer; it recovers', async () => {
    const url = await boot({ SHED_EVENT_LOOP_DELAY_MS: defaultBound });
    // an unknown route: whatever the framework would answer, it must not be asked
    expect((await fetch(`${url}/no-such-route`)).status).toBe(404);

    // each turn of the loop ~150 ms late: over the default bound of 100 ms
    stopLoad = loadEventLoop(150);
    const refused = await askUntil(`${url}/no-such-route`, (res) => res.status === 503);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toEqual({
      error: 'Service Unavailable: the server is overloaded',
    });
    // a share of the requests at first, as far over the bound as the loop is
    const started = logged('load shedding started');
    expect(started?.eventLoopDelayMs).toBeGreaterThan(100);
    expect(started?.share).toBeLessThan(1);

    // probes still reach the framework: the instance lives, and stays in the pool
    await askUntil(`${url}/ready`, async (res) => (await loadCheck(res)) === 'degraded');
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/ready?from=balancer`);
    expect(ready.status).toBe(200);
    expect(await loadCheck(ready)).toBe('degraded');
    // the share grows while the loop stays late, until every request is refused
    await setTimeout(1500);
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await fetch(`${url}/no-such-route`, {
        method,
        body: method === 'POST' ? '{}' : null,
      });
      expect(res.status).toBe(503);
      await res.arrayBuffer();
    }

    stopLoad();
    const recovered = await askUntil(
      `${url}/ready`,
      async (res) => (await loadCheck(res)) === 'up',
    );
    expect(recovered.status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/no-such-route`)).status).toBe(404);

    // one line when it started, one when it stopped with the count, none per request
    await askUntil(`${url}/health`, () => logged('load shedding stopped') !== undefined);
    const stopped = logged('load shedding stopped');
    expect(stopped?.shed).toBeGreaterThanOrEqual(4);
    expect(stopped?.peakShare).toBe(1);
    expect(lines.filter((line) => line.msg.startsWith('load shedding'))).toHaveLength(2);
  }, 30_000);

  it('WORK-5: event-loop utilization past its bound sheds too, while the delay stays low', async () => {
    const url = await boot({ SHED_EVENT_LOOP_DELAY_MS: '0', SHED_EVENT_LOOP_UTILIZATION: '0.9' });
    // short slices: the loop is busy all the time, yet never more than ~20 ms late
    stopLoad = loadEventLoop(20);
    const refused = await askUntil(`${url}/no-such-route`, (res) => res.status === 503);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
  });

  it('WORK-5: with both bounds at 0 nothing is refused, however loaded the loop', async () => {
    const url = await boot({ SHED_EVENT_LOOP_DELAY_MS: '0' });
    stopLoad = loadEventLoop(150);
    const answered = await askUntil(`${url}/no-such-route`, (res) => res.status !== 404, 2000);
    expect(answered.status).toBe(404);
    expect(logged('load shedding')).toBeUndefined();
  });
});

describe('load shedding settings', () => {
  it('WORK-5: on by default for the delay, off for utilization', () => {
    expect(loadConfig({}).http.loadShedding).toEqual({
      maxEventLoopDelayMs: 100,
      maxEventLoopUtilization: 0,
      retryAfterSeconds: 5,
    });
    expect(loadConfig({ SHED_EVENT_LOOP_UTILIZATION: '0.95' }).http.loadShedding).toMatchObject({
      maxEventLoopUtilization: 0.95,
    });
  });

  it('WORK-5: a utilization outside 0..1 is one line saying what it takes', () => {
    expect(() => loadConfig({ SHED_EVENT_LOOP_UTILIZATION: '95' })).toThrow(
      'Invalid setting SHED_EVENT_LOOP_UTILIZATION="95": takes a number from 0 to 1, such as 0.95',
    );
    expect(() => loadConfig({ SHED_RETRY_AFTER_SECONDS: '0' })).toThrow(
      /^Invalid setting SHED_RETRY_AFTER_SECONDS="0"/,
    );
  });
});
