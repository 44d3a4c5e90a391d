import type { FastifyPluginAsync } from 'fastify';
import type { DbItems } from '../db/items.js';

// The answers as JSON schema, as Fastify is meant to be used: fast-json-stringify writes each
// body from its schema instead of JSON.stringify, and a field the schema does not name (a
// column added to the query later) never leaves the server.
const item = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    priceCents: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'priceCents', 'tags', 'updatedAt'],
} as const;

const error = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;

// POOL-1..3: the logic is in DbItems; this wires it and declares what it answers
export const dbItemRoutes: FastifyPluginAsync<{ dbItems: DbItems }> = async (app, { dbItems }) => {
  app.get<{ Params: { id: string } }>(
    '/api/db/items/:id',
    { schema: { response: { 200: item, 404: error, 503: error } } },
    async (request, reply) => {
      const { status, headers, body } = await dbItems.get(request.params.id);
      return reply.code(status).headers(headers).send(body);
    },
  );
};
