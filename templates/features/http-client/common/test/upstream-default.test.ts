import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { start } from './helpers.js';
import { freePort } from './net.js';

describe('the default upstream', () => {
  it('POOL-5: UPSTREAM_URL defaults to this server on its own PORT', () => {
    expect(loadConfig({ PORT: '4114' }).httpClient.upstreamUrl).toBe(
      'http://127.0.0.1:4114/health',
    );
    expect(loadConfig({ PORT: '4114', HOST: '::1' }).httpClient.upstreamUrl).toBe(
      'http://[::1]:4114/health',
    );
  });

  it('POOL-5: /api/upstream answers out of the box, whatever the PORT', async () => {
    const port = await freePort();
    const server = await start({ PORT: String(port) });
    try {
      const res = await fetch(`${server.url}/api/upstream`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    } finally {
      await server.close();
    }
  });
});
