import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

// node:http without Accept-Encoding, so the bytes read are the bytes written
function open(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ req: ClientRequest; res: IncomingMessage }>((resolve, reject) => {
    const req = request(url, { headers }, (res) => resolve({ req, res }));
    req.on('error', reject);
    req.end();
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

describe('NDJSON and server-sent events', () => {
  let server: RunningServer;
  const stats = () => server.context.streams.stats;

  beforeAll(async () => {
    server = await start({ EVENTS_INTERVAL_MS: '20', COMPRESS_IN_APP: 'false' });
  });
  afterAll(() => server.close());

  it('STREAM-4: /api/stream sends count lines of JSON, 100 by default', async () => {
    const { res } = await open(`${server.url}/api/stream?count=5`);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = (await readAll(res)).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5]);
    const { res: byDefault } = await open(`${server.url}/api/stream`);
    expect((await readAll(byDefault)).trim().split('\n')).toHaveLength(100);
  });

  it('STREAM-4: lines go out in chunks of up to 16 KB, not one write (and flush) a line', async () => {
    const chunks = (await server.context.streams.ndjson(1000).toArray()) as string[];
    // about 200 KB: 13 chunks, where one a line made 1000 writes, each a compressor flush
    expect(chunks.length).toBeLessThanOrEqual(15);
    const lines = chunks.join('').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
  });

  it.each(['0', '-1', '100001', 'abc', '1.5'])('STREAM-4: count=%s answers 400', async (count) => {
    const { res } = await open(`${server.url}/api/stream?count=${count}`);
    expect(res.statusCode).toBe(400);
    res.resume();
  });

  it('STREAM-4: a client that stops reading stops the writing (back-pressure)', async () => {
    const before = stats().lines;
    const { req, res } = await open(`${server.url}/api/stream?count=100000`);
    res.pause();
    // let every buffer between the two ends fill up
    let made = 0;
    let unchanged = 0;
    while (unchanged < 3) {
      await sleep(100);
      const now = stats().lines - before;
      unchanged = now === made ? unchanged + 1 : 0;
      made = now;
    }
    // about 20 MB in all; what is written is bounded by the socket buffers, not by the count
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(100_000);
    req.destroy();
  });

  it('STREAM-4: a client that goes away stops the work', async () => {
    const before = stats().lines;
    const { req, res } = await open(`${server.url}/api/stream?count=100000`);
    await new Promise((resolve) => res.once('data', resolve));
    req.destroy();
    await expect.poll(() => stats().open).toBe(0);
    const made = stats().lines - before;
    await sleep(200);
    expect(stats().lines - before).toBe(made);
    expect(made).toBeLessThan(100_000);
  });

  it('STREAM-4: /api/events sends numbered events and resumes after Last-Event-ID', async () => {
    const { req, res } = await open(`${server.url}/api/events`, { 'last-event-id': '41' });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toMatch(/no-transform/);
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    await expect.poll(() => text.match(/^id: /gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    req.destroy();
    expect(text).toMatch(/^retry: \d+$/m);
    expect(text).toMatch(/^id: 42\nevent: tick\ndata: \{.*\}$/m);
    expect(text).toMatch(/^id: 43$/m);
  });

  it('STREAM-4: events stop when the client leaves', async () => {
    const { req, res } = await open(`${server.url}/api/events`);
    await new Promise((resolve) => res.once('data', resolve));
    expect(stats().open).toBeGreaterThan(0);
    req.destroy();
    await expect.poll(() => stats().open).toBe(0);
    const events = stats().events;
    await sleep(200);
    expect(stats().events).toBe(events);
  });

  it('STREAM-4: a stalled event stream holds one event at most, not a growing queue', async () => {
    const stream = server.context.streams.events(undefined);
    const before = stats().events;
    // asked once and then never read: 25 intervals pass
    stream.read(0);
    await sleep(500);
    expect(stats().events - before).toBeLessThanOrEqual(1);
    stream.destroy();
  });
});
