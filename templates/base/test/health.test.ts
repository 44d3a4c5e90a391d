import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

describe('health and readiness', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it('RUN-1: /health answers 200 while the process runs', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('RUN-1: a probe with a query string or as HEAD is answered the same', async () => {
    const res = await fetch(`${server.url}/health?from=balancer`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const head = await fetch(`${server.url}/ready?from=balancer`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('RUN-1: /ready answers 200 with one entry per dependency once started', async () => {
    const res = await fetch(`${server.url}/ready`);
    const body = (await res.json()) as { status: string; checks: Record<string, unknown> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    for (const check of Object.values(body.checks)) expect(check).toEqual({ status: 'up' });
  });

  it('RUN-1: an unknown route answers 404 as JSON', async () => {
    const res = await fetch(`${server.url}/no-such-route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('readiness while draining', () => {
  it('RUN-1: /ready answers 503 once shutdown has begun', async () => {
    const server = await start();
    server.context.readiness.markDraining();
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'draining' });
    await server.close();
  });

  it('RUN-1: a dependency that is down turns /ready to 503 and names it', async () => {
    const server = await start();
    server.context.readiness.add('upstream', async () => {
      throw new Error('connection refused');
    });
    const res = await fetch(`${server.url}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'unavailable',
      checks: { upstream: { status: 'down', error: 'connection refused' } },
    });
    await server.close();
  });
});
