import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

describe('Server-Timing', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ SERVER_TIMING: 'true' });
  });
  afterAll(() => server.close());

  // probes (/health, /ready) may be answered before any middleware: a route that is not one
  it('OBS-5: with SERVER_TIMING on, a response says how long the app took, errors included', async () => {
    const res = await fetch(`${server.url}/no-such-route`);
    expect(res.status).toBe(404);
    expect(res.headers.get('server-timing')).toMatch(/(^|, )app;dur=\d+\.\d$/);
  });

  it('OBS-5: it is off by default: internals are not shown to clients unasked', async () => {
    const plain = await start();
    const res = await fetch(`${plain.url}/no-such-route`);
    await plain.close();
    expect(res.headers.get('server-timing')).toBeNull();
  });
});
