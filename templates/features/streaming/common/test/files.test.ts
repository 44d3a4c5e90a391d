import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { send } from './net.js';

// 10 000 bytes: byte i is i % 251, so any slice is recognisable
const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));
const size = content.byteLength;

describe('file downloads', () => {
  let dir: string;
  let server: RunningServer;
  const url = `/files/data.bin`;
  const at = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'files-'));
    await writeFile(join(dir, 'data.bin'), content);
    // a whole second in the past, so If-Modified-Since comparisons are not on the edge
    const past = new Date(Date.now() - 60_000);
    await utimes(join(dir, 'data.bin'), past, past);
    await writeFile(join(dir, 'notes.txt'), 'some notes\n');
    await writeFile(join(dir, 'page.html'), '<script>alert(document.cookie)</script>');
    await writeFile(
      join(dir, 'image.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    await writeFile(join(dir, 'feed.xml'), '<feed/>');
    await writeFile(join(dir, 'script.js'), 'alert(1);');
    server = await start({ FILES_DIR: dir, COMPRESS_IN_APP: 'false' });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('STREAM-1: sends the whole file with its length, type and Accept-Ranges', async () => {
    const answer = await send(at(url));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(content);
    expect(answer.headers['content-length']).toBe(String(size));
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['accept-ranges']).toBe('bytes');
    expect((await send(at('/files/notes.txt'))).headers['content-type']).toBe(
      'text/plain; charset=utf-8',
    );
  });

  it('STREAM-1: HEAD sends the headers of GET and no body', async () => {
    const answer = await send(at(url), {}, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(String(size));
    expect(answer.headers['etag']).toBeDefined();
    expect(answer.body.byteLength).toBe(0);
  });

  it('STREAM-1: a missing file answers 404', async () => {
    expect((await send(at('/files/missing.bin'))).status).toBe(404);
  });

  it.each([
    ['the first byte', 'bytes=0-0', 0, 0],
    ['a middle slice', 'bytes=1000-1999', 1000, 1999],
    ['the last byte', `bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
    ['a suffix', 'bytes=-500', size - 500, size - 1],
    ['an open end', 'bytes=9000-', 9000, size - 1],
    ['an end past the file, cut to it', 'bytes=9990-20000', 9990, size - 1],
    ['overlapping ranges, merged into one', 'bytes=0-99,50-199', 0, 199],
  ])('STREAM-2: answers 206 with %s', async (_, range, first, last) => {
    const answer = await send(at(url), { range });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-range']).toBe(`bytes ${first}-${last}/${size}`);
    expect(answer.headers['content-length']).toBe(String(last - first + 1));
    expect(answer.body).toEqual(content.subarray(first, last + 1));
  });

  it.each([
    ['starts past the end', `bytes=${size}-`],
    ['starts far past the end', 'bytes=999999-1000000'],
    ['is malformed', 'bytes=abc'],
    ['ends before it starts', 'bytes=500-100'],
    ['has a malformed part after a good one', 'bytes=0-0,garbage'],
    ['has an empty part', 'bytes=0-0,'],
  ])('STREAM-2: answers 416 when the range %s', async (_, range) => {
    const answer = await send(at(url), { range });
    expect(answer.status).toBe(416);
    expect(answer.headers['content-range']).toBe(`bytes */${size}`);
  });

  it('STREAM-2: several disjoint ranges get the whole file once, never more bytes than it has', async () => {
    const answer = await send(at(url), { range: 'bytes=0-9,100-109,5000-5009' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(content);
  });

  it('STREAM-2: a range in another unit is ignored', async () => {
    const answer = await send(at(url), { range: 'items=0-5' });
    expect(answer.status).toBe(200);
    expect(answer.body.byteLength).toBe(size);
  });

  it('STREAM-2: If-Range with the current date gets the range', async () => {
    const { headers } = await send(at(url), {}, 'HEAD');
    const ifRange = headers['last-modified'] ?? '';
    const answer = await send(at(url), { range: 'bytes=0-9', 'if-range': ifRange });
    expect(answer.status).toBe(206);
    expect(answer.body).toEqual(content.subarray(0, 10));
  });

  it('STREAM-2: If-Range with a weak ETag gets the whole file (RFC 9110 wants a strong match)', async () => {
    const { headers } = await send(at(url), {}, 'HEAD');
    const etag = headers['etag'] ?? '';
    for (const ifRange of [etag, `W/${etag.replace(/^W\//, '')}`]) {
      const answer = await send(at(url), { range: 'bytes=0-9', 'if-range': ifRange });
      expect(answer.status, ifRange).toBe(200);
      expect(answer.body).toEqual(content);
    }
  });

  it('STREAM-2: If-Range with a stale validator gets the whole file', async () => {
    const stale = new Date(Date.now() - 3_600_000).toUTCString();
    for (const ifRange of ['"stale-etag"', stale]) {
      const answer = await send(at(url), { range: 'bytes=0-9', 'if-range': ifRange });
      expect(answer.status, ifRange).toBe(200);
      expect(answer.body).toEqual(content);
    }
  });

  it('STREAM-3: sends ETag and Last-Modified, and 304 to a matching If-None-Match', async () => {
    const { headers } = await send(at(url));
    const etag = headers['etag'] ?? '';
    expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
    expect(Date.parse(headers['last-modified'] ?? '')).not.toBeNaN();
    const answer = await send(at(url), { 'if-none-match': etag });
    expect(answer.status).toBe(304);
    expect(answer.body.byteLength).toBe(0);
    expect(answer.headers['etag']).toBe(etag);
    expect((await send(at(url), { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('STREAM-3: 304 to If-Modified-Since at or after Last-Modified, 200 before', async () => {
    const { headers } = await send(at(url), {}, 'HEAD');
    const lastModified = headers['last-modified'] ?? '';
    expect((await send(at(url), { 'if-modified-since': lastModified })).status).toBe(304);
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    expect((await send(at(url), { 'if-modified-since': before })).status).toBe(200);
  });

  it('STREAM-3: 412 when If-Match names another version', async () => {
    expect((await send(at(url), { 'if-match': '"other"' })).status).toBe(412);
  });

  it('a page or script dropped into the folder is sent as an attachment, never run inline', async () => {
    for (const name of ['page.html', 'image.svg', 'feed.xml', 'script.js']) {
      const answer = await send(at(`/files/${name}`));
      expect(answer.status, name).toBe(200);
      expect(answer.headers['content-disposition'], name).toBe(
        `attachment; filename*=UTF-8''${name}`,
      );
      expect(answer.headers['x-content-type-options'], name).toBe('nosniff');
    }
    const plain = await send(at('/files/notes.txt'));
    expect(plain.headers['content-disposition']).toBeUndefined();
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
  });

  it('STREAM-3: downloads are kept by browsers but revalidated, and not by shared caches', async () => {
    const answer = await send(at(url), {}, 'HEAD');
    expect(answer.headers['cache-control']).toBe('private, no-cache');
  });
});

describe('static assets', () => {
  let dir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assets-'));
    await writeFile(join(dir, 'app.3f2a1b9c.css'), 'body { margin: 0 }\n');
    await writeFile(join(dir, 'index-BtHcEIwW.js'), 'export {};\n');
    await writeFile(join(dir, 'bootstrap-datepicker.js'), 'export {};\n');
    server = await start({ ASSETS_DIR: dir });
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['app.3f2a1b9c.css', 'index-BtHcEIwW.js'])(
    'HTTP-4: a hashed name (%s) is immutable for a year',
    async (name) => {
      const answer = await send(`${server.url}/assets/${name}`);
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    },
  );

  it('HTTP-4: another name is revalidated', async () => {
    const answer = await send(`${server.url}/assets/bootstrap-datepicker.js`);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('public, no-cache');
  });
});
