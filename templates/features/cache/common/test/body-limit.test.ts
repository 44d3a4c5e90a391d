import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { sendChunked } from './net.js';

describe('the body limit on a route that reads a body', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start({ BODY_LIMIT_BYTES: '65536' });
  });
  afterAll(() => server.close());

  it('CONN-2: a chunked PUT over BODY_LIMIT_BYTES gets 413 and the connection is closed', async () => {
    const sent = await sendChunked(server.url, 'PUT', '/api/items/1', 64 * 1024 * 1024);
    expect(sent.status).toBe(413);
    expect(sent.closed).toBe(true);
    // before, the whole body was read after the 413 and the connection kept
    expect(sent.bytes).toBeLessThan(16 * 1024 * 1024);
  });
});
