import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChunkedBody } from '../src/perf/request-limits.js';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { sendChunked, sendRaw } from './net.js';

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

  it('CONN-2: stops reading a chunked body past BODY_LIMIT_BYTES and closes the connection', async () => {
    // a route that takes no body: before, node:http read all of it to keep the connection
    const sent = await sendChunked(server.url, 'POST', '/health', 64 * 1024 * 1024);
    expect(sent.closed).toBe(true);
    // what the kernel's buffers take before the writes stall, not the whole body
    expect(sent.bytes).toBeLessThan(16 * 1024 * 1024);
  });

  it('CONN-2: refuses a GET with a body before reading it', async () => {
    const sent = await sendChunked(server.url, 'GET', '/health', 64 * 1024 * 1024);
    expect(sent.status).toBe(400);
    expect(sent.closed).toBe(true);
    expect(sent.bytes).toBeLessThan(16 * 1024 * 1024);
  });

  it('CONN-2: answers 400 to a request with two Host headers', async () => {
    const answer = await sendRaw(
      server.url,
      'GET /health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    // answered before any framework, with the headers of every other answer
    expect(answer).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    expect(answer).toMatch(/\r\n\r\n\{"error":"A request takes one Host header"\}$/);
  });
});

describe('a chunked body, read before the framework', () => {
  it('CONN-2: is handed over in the async context its request came in with', async () => {
    // what a trace's span rides on: the route must run in its request's context, not in that
    // of the socket read that ended the body
    const store = new AsyncLocalStorage<string>();
    const server = createServer((req, res) => {
      store.run('this request', () => {
        readChunkedBody(req, res, 1024, (_, answer) => answer.end(store.getStore() ?? 'none'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
      });
      // the head now, the body (chunked: no length given) on a later read
      req.on('error', reject).flushHeaders();
      setTimeout(() => req.end('x'), 50);
    });
    server.close();
    expect(answer).toBe('this request');
  });
});

describe('request time-outs', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000' });
  });
  afterAll(() => server.close());

  /** sends `head`, then `piece` every 100 ms, and resolves to when the server closed */
  function trickle(head: string, piece: string): Promise<number> {
    const { port } = new URL(server.url);
    return new Promise((resolve) => {
      const startedAt = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(head);
        timer = setInterval(() => socket.write(piece), 100);
      });
      socket.on('data', () => undefined);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve(Date.now() - startedAt);
      });
    });
  }

  // bounds are checked once a second, so each cut comes up to a second after its bound
  it('CONN-2: cuts off a client that never finishes its headers at HEADERS_TIMEOUT_MS', async () => {
    const closedAfterMs = await trickle('GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'x');
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(2500);
  });

  it('CONN-2: cuts off a slow upload at REQUEST_TIMEOUT_MS', async () => {
    // a chunked body is read before any route sees it, so this holds whatever the route
    const head = 'POST /health HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n';
    const closedAfterMs = await trickle(head, '1\r\nx\r\n');
    expect(closedAfterMs).toBeGreaterThanOrEqual(2900);
    expect(closedAfterMs).toBeLessThan(4500);
  });
});

describe('listening', () => {
  it('a port in use stops the start with one line naming it', async () => {
    const first = await start();
    const { port } = new URL(first.url);
    await expect(start({ PORT: port })).rejects.toThrow(
      `Cannot listen on 127.0.0.1:${port}: the port is in use; stop what uses it or set PORT`,
    );
    await first.close();
  });
});
