import type { FastifyPluginAsync } from 'fastify';
import { defaultRounds, maxRounds, type Hasher } from '../hash/service.js';
import { whenClientGoes } from '../perf/worker-pool.js';

// What the route takes and answers, as JSON schema: Fastify checks the query string against it
// (a 400 names what was wrong) and writes each body from its schema.
const query = {
  type: 'object',
  properties: {
    rounds: { type: 'integer', minimum: 1, maximum: maxRounds, default: defaultRounds },
  },
} as const;

const digest = {
  type: 'object',
  properties: { rounds: { type: 'integer' }, digest: { type: 'string' } },
  required: ['rounds', 'digest'],
} as const;

const error = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;

// WORK-2: the work runs in the worker pool; this wires it and declares what it answers
export const hashRoutes: FastifyPluginAsync<{ hasher: Hasher }> = async (app, { hasher }) => {
  app.get<{ Querystring: { rounds: number } }>(
    '/api/hash',
    { schema: { querystring: query, response: { 200: digest, 503: error } } },
    async (request, reply) => {
      const signal = whenClientGoes(reply.raw);
      const { status, headers, body } = await hasher.hash(request.query.rounds, signal);
      return reply.code(status).headers(headers).send(body);
    },
  );
};
