import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, createBrotliDecompress, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { decoded, send } from './net.js';

// compressible text of about 4 KB; only the name's extension changes its type
const text = Buffer.from('All work and no play makes Jack a dull boy.\n'.repeat(100));
const small = Buffer.from('{"small":true}\n'.repeat(30));

/** the window a brotli stream declares in its first bits (RFC 7932 §9.1), as a power of 2 */
function brotliWindowBits(body: Buffer): number {
  const first = body[0] ?? 0;
  if ((first & 1) === 0) return 16;
  const n = (first >> 1) & 7;
  if (n !== 0) return 17 + n;
  const m = (first >> 4) & 7;
  return m === 0 ? 17 : 8 + m;
}

describe('compression of dynamic answers', () => {
  let dir: string;
  let server: RunningServer;
  const url = (name: string) => `${server.url}/files/${name}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'compression-'));
    const names = ['data.json', 'page.txt', 'style.css', 'app.js', 'icon.svg', 'feed.xml'];
    const binary = ['photo.png', 'clip.mp4', 'bundle.zip', 'blob.bin', 'font.woff2'];
    for (const name of [...names, ...binary]) await writeFile(join(dir, name), text);
    await writeFile(join(dir, 'small.json'), small);
    server = await start({
      FILES_DIR: dir,
      ASSETS_DIR: dir,
      COMPRESS_IN_APP: 'true',
      COMPRESSION_CODINGS: 'br,gzip',
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [undefined, undefined],
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['*', 'gzip'],
    ['*;q=0', undefined],
  ])('COMP-1: Accept-Encoding %j is answered in %j', async (acceptEncoding, coding) => {
    const headers: Record<string, string> = acceptEncoding
      ? { 'accept-encoding': acceptEncoding }
      : {};
    const answer = await send(url('data.json'), headers);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe(coding);
    expect(decoded(answer)).toEqual(text);
  });

  it('COMP-1: offers only COMPRESSION_CODINGS', async () => {
    const gzipOnly = await start({
      FILES_DIR: dir,
      COMPRESS_IN_APP: 'true',
      COMPRESSION_CODINGS: 'gzip',
    });
    try {
      const onlyBr = await send(`${gzipOnly.url}/files/data.json`, { 'accept-encoding': 'br' });
      expect(onlyBr.headers['content-encoding']).toBeUndefined();
      const both = await send(`${gzipOnly.url}/files/data.json`, { 'accept-encoding': 'br, gzip' });
      expect(both.headers['content-encoding']).toBe('gzip');
    } finally {
      await gzipOnly.close();
    }
  });

  it('COMP-2: an answer under COMPRESSION_MIN_BYTES goes out as it is', async () => {
    expect(small.byteLength).toBeLessThan(1024);
    const answer = await send(url('small.json'), { 'accept-encoding': 'br, gzip' });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body).toEqual(small);
    expect(
      (await send(url('data.json'), { 'accept-encoding': 'br' })).headers['content-encoding'],
    ).toBe('br');
  });

  it.each(['data.json', 'page.txt', 'style.css', 'app.js', 'icon.svg', 'feed.xml'])(
    'COMP-3: %s is compressed',
    async (name) => {
      const answer = await send(url(name), { 'accept-encoding': 'gzip' });
      expect(answer.headers['content-encoding']).toBe('gzip');
      expect(decoded(answer)).toEqual(text);
    },
  );

  it.each(['photo.png', 'clip.mp4', 'bundle.zip', 'blob.bin', 'font.woff2'])(
    'COMP-3: %s is never compressed',
    async (name) => {
      const answer = await send(url(name), { 'accept-encoding': 'br, gzip' });
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.body).toEqual(text);
    },
  );

  it('COMP-3: a range answer (206) is never compressed', async () => {
    const answer = await send(url('data.json'), {
      'accept-encoding': 'br, gzip',
      range: 'bytes=0-2047',
    });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body).toEqual(text.subarray(0, 2048));
  });

  it('HTTP-5: compressed and plain answers of a compressible type vary on Accept-Encoding', async () => {
    const requests: Record<string, string>[] = [
      { 'accept-encoding': 'br' },
      { 'accept-encoding': 'identity' },
      {},
    ];
    for (const headers of requests) {
      const answer = await send(url('data.json'), headers);
      expect(answer.headers['vary'], JSON.stringify(headers)).toMatch(/accept-encoding/i);
    }
  });

  it('HTTP-5: a 304 of a compressible file varies on Accept-Encoding as its 200 does', async () => {
    const { headers } = await send(url('data.json'), { 'accept-encoding': 'br' });
    const answer = await send(url('data.json'), { 'if-none-match': headers['etag'] ?? '' });
    expect(answer.status).toBe(304);
    expect(answer.headers['vary']).toMatch(/accept-encoding/i);
  });

  it('STREAM-4: a compressed NDJSON stream sends its first line at once, not when a block is full', async () => {
    const started = server.context.streams.stats.lines;
    const first = await new Promise<{ lines: number; text: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/api/stream?count=100000`,
        { headers: { 'accept-encoding': 'br' } },
        (res) => {
          expect(res.headers['content-encoding']).toBe('br');
          res.once('data', (chunk: Buffer) => {
            const lines = server.context.streams.stats.lines - started;
            const decoder = createBrotliDecompress();
            decoder.once('data', (text: Buffer) => {
              req.destroy();
              resolve({ lines, text: text.toString() });
            });
            decoder.write(chunk);
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    // held in the compressor, the first bytes came after some 49 000 lines had been made; now
    // only the chunks read ahead (16 KB of lines each) are made before them
    expect(first.lines).toBeLessThan(5_000);
    expect(first.text).toMatch(/^\{"seq":1,/);
  });

  it('COMP-1: per-request brotli keeps a 256 KB window, not the 4 MB that held 8 MB a slow reader', async () => {
    const answer = await send(url('data.json'), { 'accept-encoding': 'br' });
    expect(answer.headers['content-encoding']).toBe('br');
    expect(brotliWindowBits(answer.body)).toBe(18);
  });

  it('STREAM-4: a slow reader of a compressed stream leaves no drain listener behind', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const made = server.context.streams.stats.lines;
    try {
      // read a chunk, then wait: the server's writes fill the compressor time after time
      const bytes = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${server.url}/api/stream?count=5000`,
          { headers: { 'accept-encoding': 'br' } },
          (res) => {
            let received = 0;
            res.on('data', (chunk: Buffer) => {
              received += chunk.length;
              res.pause();
              setTimeout(() => res.resume(), 1);
            });
            res.on('end', () => resolve(received));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(bytes).toBeGreaterThan(0);
      expect(server.context.streams.stats.lines - made).toBe(5000);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.message)).toEqual([]);
  });

  it('COMP-5: with COMPRESS_IN_APP=false the app leaves dynamic answers to the proxy', async () => {
    const behindProxy = await start({ FILES_DIR: dir, COMPRESS_IN_APP: 'false' });
    try {
      const answer = await send(`${behindProxy.url}/files/data.json`, {
        'accept-encoding': 'br, gzip',
      });
      expect(answer.headers['content-encoding']).toBeUndefined();
      expect(answer.body).toEqual(text);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('precompressed siblings', () => {
  let dir: string;
  let server: RunningServer;
  const css = Buffer.from('body { margin: 0; }\n'.repeat(200));
  const asset = 'app.1f2e3d4c.css';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assets-'));
    await writeFile(join(dir, asset), css);
    await writeFile(join(dir, `${asset}.br`), brotliCompressSync(css));
    await writeFile(join(dir, `${asset}.gz`), gzipSync(css));
    await writeFile(join(dir, 'only-gzip.css'), css);
    await writeFile(join(dir, 'only-gzip.css.gz'), gzipSync(css));
    // siblings are sent even when the app leaves per-request compression to a proxy
    server = await start({
      ASSETS_DIR: dir,
      COMPRESS_IN_APP: 'false',
      COMPRESSION_CODINGS: 'br,gzip',
    });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['identity', undefined],
  ])('HTTP-4: Accept-Encoding %j gets the %j sibling', async (acceptEncoding, coding) => {
    const answer = await send(`${server.url}/assets/${asset}`, {
      'accept-encoding': acceptEncoding,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe(coding);
    expect(answer.headers['content-type']).toMatch(/^text\/css/);
    expect(answer.headers['vary']).toMatch(/accept-encoding/i);
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decoded(answer)).toEqual(css);
  });

  it('HTTP-4: with compression in the app on, a sibling still goes out as stored, with its length', async () => {
    const compressing = await start({
      ASSETS_DIR: dir,
      COMPRESS_IN_APP: 'true',
      COMPRESSION_CODINGS: 'br,gzip',
    });
    try {
      for (const coding of ['br', 'gzip'] as const) {
        const answer = await send(`${compressing.url}/assets/${asset}`, {
          'accept-encoding': coding,
        });
        const stored = await readFile(join(dir, `${asset}.${coding === 'br' ? 'br' : 'gz'}`));
        expect(answer.headers['content-encoding']).toBe(coding);
        expect(answer.headers['content-length']).toBe(String(stored.byteLength));
        expect(answer.headers['transfer-encoding']).toBeUndefined();
        expect(answer.body).toEqual(stored);
      }
    } finally {
      await compressing.close();
    }
  });

  it('HTTP-4: only the siblings present are offered', async () => {
    const answer = await send(`${server.url}/assets/only-gzip.css`, {
      'accept-encoding': 'br, gzip',
    });
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['cache-control']).toBe('public, no-cache');
    expect(decoded(answer)).toEqual(css);
  });
});
