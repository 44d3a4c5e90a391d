import type { FastifyPluginAsync } from 'fastify';
import {
  eventStreamHeaders,
  ndjsonHeaders,
  parseCount,
  type SampleStreams,
} from '../perf/streams.js';

// STREAM-4: Fastify pipes a stream to the socket and destroys it when the client goes away
export const streamRoutes: FastifyPluginAsync<{ streams: SampleStreams }> = async (
  app,
  { streams },
) => {
  app.get<{ Querystring: { count?: string } }>('/api/stream', async (request, reply) => {
    const count = parseCount(request.query.count);
    if (typeof count !== 'number') return reply.code(400).send(count);
    return reply.headers(ndjsonHeaders).send(streams.ndjson(count));
  });

  app.get<{ Headers: { 'last-event-id'?: string } }>('/api/events', async (request, reply) =>
    reply.headers(eventStreamHeaders).send(streams.events(request.headers['last-event-id'])),
  );
};
