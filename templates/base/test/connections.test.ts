import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

function get(url: string, agent?: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connections', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ MAX_REQUESTS_PER_SOCKET: '2', BODY_LIMIT_BYTES: '1024' });
  });
  afterAll(() => server.close());

  it('CONN-1: keeps connections alive longer than a load balancer idles them', async () => {
    const res = await get(`${server.url}/health`);
    expect(res.headers.connection).toBe('keep-alive');
    expect(res.headers['keep-alive']).toMatch(/^timeout=65\b/);
  });

  it('CONN-2: recycles a socket after MAX_REQUESTS_PER_SOCKET requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(`${server.url}/health`, agent);
    const second = await get(`${server.url}/health`, agent);
    agent.destroy();
    expect(first.headers.connection).toBe('keep-alive');
    expect(second.headers.connection).toBe('close');
  });

  it('CONN-2: refuses a body over BODY_LIMIT_BYTES with 413', async () => {
    const res = await fetch(`${server.url}/health`, { method: 'POST', body: 'x'.repeat(2048) });
    expect(res.status).toBe(413);
  });

  it('CONN-2: cuts off a client that never finishes its headers', async () => {
    const slow = await start({
      REQUEST_TIMEOUT_MS: '1000',
      HEADERS_TIMEOUT_MS: '1500',
      KEEP_ALIVE_TIMEOUT_MS: '1000',
    });
    const { port } = new URL(slow.url);
    const closedAfterMs = await new Promise<number>((resolve) => {
      const startedAt = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
      });
      socket.on('data', () => undefined);
      socket.on('close', () => resolve(Date.now() - startedAt));
    });
    await slow.close();
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(10_000);
  });
});

describe('graceful shutdown', () => {
  it('RUN-2: closing stops new connections and resolves', async () => {
    const server = await start();
    await get(`${server.url}/health`);
    await server.close();
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
