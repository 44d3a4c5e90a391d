import { Router } from 'express';
import { pipeline } from 'node:stream';
import {
  eventStreamHeaders,
  ndjsonHeaders,
  parseCount,
  type SampleStreams,
} from '../perf/streams.js';

// STREAM-4: pipeline() waits for the socket to drain and destroys the stream when the
// client goes away
export function streamRoutes(streams: SampleStreams): Router {
  const router = Router();

  router.get('/api/stream', (req, res) => {
    const { count: given } = req.query;
    const count = parseCount(typeof given === 'string' || given === undefined ? given : '');
    if (typeof count !== 'number') {
      res.status(400).json(count);
      return;
    }
    res.writeHead(200, ndjsonHeaders);
    pipeline(streams.ndjson(count), res, () => undefined);
  });

  router.get('/api/events', (req, res) => {
    res.writeHead(200, eventStreamHeaders);
    pipeline(streams.events(req.get('last-event-id')), res, () => undefined);
  });

  return router;
}
