import { Router } from 'express';
import {
  eventStreamHeaders,
  ndjsonHeaders,
  parseCount,
  type SampleStreams,
} from '../perf/streams.js';
import { pipeToResponse } from './pipe.js';

// STREAM-4: pipe() waits for the socket to drain, and the stream is destroyed when the
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
    pipeToResponse(streams.ndjson(count), res);
  });

  router.get('/api/events', (req, res) => {
    res.writeHead(200, eventStreamHeaders);
    pipeToResponse(streams.events(req.get('last-event-id')), res);
  });

  return router;
}
