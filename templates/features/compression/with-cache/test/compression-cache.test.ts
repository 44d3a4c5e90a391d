import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { decoded, send } from './net.js';

// every way node:zlib compresses; the middlewares and the cache all go through these
const compressors = [
  'brotliCompress',
  'brotliCompressSync',
  'createBrotliCompress',
  'gzip',
  'gzipSync',
  'createGzip',
  'deflate',
  'deflateSync',
  'createDeflate',
] as const;

describe('COMP-4: cached answers are compressed once', () => {
  let server: RunningServer;
  let spies: MockInstance[];
  const compressions = () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);

  beforeAll(async () => {
    // in place before the server starts: @fastify/compress keeps references to zlib's functions
    spies = compressors.map((name) => vi.spyOn(zlib, name));
    server = await start({
      ITEM_LOAD_MS: '0',
      COMPRESS_IN_APP: 'true',
      COMPRESSION_CODINGS: 'br,gzip',
    });
  });
  afterAll(async () => {
    await server.close();
    vi.restoreAllMocks();
  });

  it('COMP-4: a hit costs no compression: the forms are made once, when the entry is filled', async () => {
    const url = `${server.url}/api/catalog?page=7`;
    const before = compressions();
    const miss = await send(url, { 'accept-encoding': 'br' });
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.headers['content-encoding']).toBe('br');
    // br and gzip, once each, at fill time
    expect(compressions() - before).toBe(2);

    const filled = compressions();
    const plain = await send(url);
    for (let i = 0; i < 20; i++) {
      for (const acceptEncoding of ['br', 'gzip', 'gzip, deflate, br', 'identity']) {
        const hit = await send(url, { 'accept-encoding': acceptEncoding });
        expect(hit.headers['x-cache']).toBe('HIT');
        // Buffer#equals: toEqual walks 20 KB byte by byte, 80 times over
        expect(decoded(hit).equals(plain.body)).toBe(true);
      }
    }
    expect(compressions()).toBe(filled);
  });

  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['*', 'gzip'],
    ['identity', undefined],
    ['deflate', undefined],
    [undefined, undefined],
  ])('COMP-1: a hit with Accept-Encoding %j is sent in %j', async (acceptEncoding, coding) => {
    const url = `${server.url}/api/items/42`;
    const plain = await send(url);
    const headers: Record<string, string> = acceptEncoding
      ? { 'accept-encoding': acceptEncoding }
      : {};
    const answer = await send(url, headers);
    expect(answer.headers['content-encoding']).toBe(coding);
    expect(Number(answer.headers['content-length'])).toBe(answer.body.byteLength);
    expect(decoded(answer)).toEqual(plain.body);
  });

  it('COMP-2: a cached body under the threshold is stored and sent plain', async () => {
    const tiny = await send(`${server.url}/api/tiny`, { 'accept-encoding': 'br, gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.byteLength).toBeLessThan(1024);
  });

  it('HTTP-1: each coding has its own ETag, and If-None-Match matches the one sent', async () => {
    const url = `${server.url}/api/items/43`;
    const tags = new Set<string>();
    for (const acceptEncoding of ['br', 'gzip', 'identity']) {
      const answer = await send(url, { 'accept-encoding': acceptEncoding });
      const etag = answer.headers['etag'] ?? '';
      tags.add(etag);
      const again = await send(url, { 'accept-encoding': acceptEncoding, 'if-none-match': etag });
      expect(again.status, acceptEncoding).toBe(304);
      expect(again.headers['etag']).toBe(etag);
    }
    expect(tags.size).toBe(3);
  });

  it('HTTP-5: a stored compressed answer varies on Accept-Encoding and on its key headers', async () => {
    const page = await send(`${server.url}/api/catalog?page=8`, { 'accept-encoding': 'gzip' });
    expect(page.headers['vary']).toMatch(/Accept-Language/);
    expect(page.headers['vary']).toMatch(/Accept-Encoding/);
  });
});
