import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { Readable } from 'node:stream';
import {
  eventStreamHeaders,
  ndjsonHeaders,
  parseCount,
  type SampleStreams,
} from '../perf/streams.js';

// STREAM-4: @hono/node-server pulls from the web stream only as the socket drains, and
// cancels it (destroying the Readable under it) when the client goes away
export function streamRoutes(streams: SampleStreams) {
  return new Hono<{ Bindings: HttpBindings }>()
    .get('/api/stream', (c) => {
      const count = parseCount(c.req.query('count'));
      if (typeof count !== 'number') return c.json(count, 400);
      return new Response(Readable.toWeb(streams.ndjson(count)), { headers: ndjsonHeaders });
    })
    .get('/api/events', (c) => {
      const stream = streams.events(c.req.header('last-event-id'));
      return new Response(Readable.toWeb(stream), { headers: eventStreamHeaders });
    });
}
