import { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';

// the most 'close' listeners each response had at once, by path
const most = new Map<string, number>();
const on = ServerResponse.prototype.on;

let server: RunningServer;
beforeAll(async () => {
  ServerResponse.prototype.on = function (
    this: ServerResponse,
    event: string | symbol,
    listener: (...args: unknown[]) => void,
  ) {
    const result = on.call(this, event, listener);
    const path = this.req?.url?.split('?')[0] ?? '';
    if (event === 'close')
      most.set(path, Math.max(most.get(path) ?? 0, this.listenerCount('close')));
    return result;
  } as typeof on;
  ServerResponse.prototype.addListener = ServerResponse.prototype.on;
  server = await start({ LOG_LEVEL: 'info' }, () => undefined);
});
afterAll(async () => {
  await server.close();
  ServerResponse.prototype.on = on;
  ServerResponse.prototype.addListener = on;
});

// Node warns past ten listeners of one event (MaxListenersExceededWarning); tracing adds two
// of its own to a response (the HTTP span's, and on Express the route layer's), so the app's
// streamed answers, with the request log on, leave room for them
it.each(['/files/catalog.json', '/api/stream?count=10'])(
  'STREAM-4: %s puts at most 8 close listeners on its response',
  async (path) => {
    const requests: Record<string, string>[] = [{}, { 'accept-encoding': 'br' }];
    for (const headers of requests) {
      const answer = await fetch(`${server.url}${path}`, { headers });
      await answer.arrayBuffer();
    }
    expect(most.get(path.split('?')[0] ?? '')).toBeLessThanOrEqual(8);
  },
);
