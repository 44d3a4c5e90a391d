import { Router, type Response } from 'express';
import type { FileReply, FileStore } from '../perf/files.js';
import { pipeToResponse } from './pipe.js';

const send = (res: Response, { status, headers, body }: FileReply) => {
  res.writeHead(status, headers);
  if (body === undefined || typeof body === 'string') res.end(body);
  // a client that leaves mid-file closes the file
  else pipeToResponse(body, res);
};

// STREAM-1..3, STREAM-5, STREAM-6, HTTP-4: the logic is in FileStore; this only wires it
export function fileRoutes(files: FileStore, assets: FileStore): Router {
  const router = Router();

  router.get('/files/:name', async (req, res) => {
    send(res, await files.send(req, req.params.name));
  });

  router.get('/assets/:name', async (req, res) => {
    send(res, await assets.send(req, req.params.name));
  });

  return router;
}
