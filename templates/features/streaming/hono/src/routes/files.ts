import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import { Readable } from 'node:stream';
import type { FileReply, FileStore } from '../perf/files.js';

// @hono/node-server reads the web stream as the socket drains and cancels it (closing the
// file) when the client goes away
const send = ({ status, headers, body }: FileReply) =>
  new Response(body instanceof Readable ? Readable.toWeb(body) : (body ?? null), {
    status,
    headers,
  });

// STREAM-1..3, STREAM-5, STREAM-6, HTTP-4: the logic is in FileStore; this only wires it
export function fileRoutes(files: FileStore, assets: FileStore) {
  return new Hono<{ Bindings: HttpBindings }>()
    .get('/files/:name', async (c) => send(await files.send(c.env.incoming, c.req.param('name'))))
    .get('/assets/:name', async (c) =>
      send(await assets.send(c.env.incoming, c.req.param('name'))),
    );
}
