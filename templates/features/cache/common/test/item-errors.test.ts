import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

const put = (url: string, body: string | Uint8Array, contentType: string) =>
  fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body });

describe('errors of the item routes, on every framework alike', () => {
  const lines: Record<string, unknown>[] = [];
  let server: RunningServer;
  const item = (id: number | string) => `${server.url}/api/items/${id}`;

  beforeAll(async () => {
    server = await start({ LOG_LEVEL: 'info', BODY_LIMIT_BYTES: '1024' }, (line) =>
      lines.push(JSON.parse(line)),
    );
  });
  afterAll(() => server.close());

  it('a body that is not JSON answers 415', async () => {
    const answer = await put(item(7), 'name=changed', 'text/plain');
    expect(answer.status).toBe(415);
    expect(await answer.json()).toEqual({ error: expect.any(String) });
  });

  it('malformed JSON answers 400', async () => {
    const answer = await put(item(7), '{"name":', 'application/json');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: expect.any(String) });
  });

  it('a body over the limit, sent without a length, answers 413 in the same shape', async () => {
    const body = new TextEncoder().encode(JSON.stringify({ name: 'x'.repeat(2048) }));
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body);
        controller.close();
      },
    });
    const answer = await fetch(item(7), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: expect.any(String) });
  });

  it('a 5xx says nothing of the internals, which go to the log', async () => {
    const failure = new Error('Command timed out');
    vi.spyOn(server.context.items, 'replaceItem').mockRejectedValueOnce(failure);
    const answer = await put(item(7), '{"name":"changed"}', 'application/json');
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ error: 'Internal Server Error' });
    const logged = lines.find((line) => JSON.stringify(line).includes('Command timed out'));
    expect(logged).toMatchObject({ level: 50 });
  });

  it('OBS-6: the request line has the cache outcome, from the header the route sent', async () => {
    await fetch(item(77));
    await fetch(item(77));
    const cache = () =>
      lines
        .filter((line) => (line['req'] as { url?: string } | undefined)?.url === '/api/items/77')
        .map((line) => line['cache']);
    await expect.poll(cache).toEqual(['MISS', 'HIT']);
  });

  it('cached answers carry nosniff too, from the header objects made at fill', async () => {
    await fetch(item(78));
    const hit = await fetch(item(78));
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
