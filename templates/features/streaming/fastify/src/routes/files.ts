import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { FileReply, FileStore } from '../perf/files.js';

const send = (reply: FastifyReply, { status, headers, body }: FileReply) =>
  reply.code(status).headers(headers).send(body);

// STREAM-1..3, STREAM-5, STREAM-6, HTTP-4: the logic is in FileStore; this only wires it
export const fileRoutes: FastifyPluginAsync<{ files: FileStore; assets: FileStore }> = async (
  app,
  { files, assets },
) => {
  // HEAD is declared, not left to Fastify's automatic HEAD route, which would measure the
  // empty body and send Content-Length: 0 instead of the file's length
  app.route<{ Params: { name: string } }>({
    method: ['GET', 'HEAD'],
    url: '/files/:name',
    handler: async (request, reply) =>
      send(reply, await files.send(request.raw, request.params.name)),
  });

  app.route<{ Params: { name: string } }>({
    method: ['GET', 'HEAD'],
    url: '/assets/:name',
    handler: async (request, reply) =>
      send(reply, await assets.send(request.raw, request.params.name)),
  });
};
