import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { defaultRounds, maxRounds, type JobReply, type JobService } from '../jobs/service.js';

// What the routes take and answer, as JSON schema: Fastify checks the body against it (a 400
// names what was wrong) and writes each answer from its schema.
// no body at all is the default job
const body = {
  type: ['object', 'null'],
  properties: {
    rounds: { type: 'integer', minimum: 1, maximum: maxRounds, default: defaultRounds },
  },
} as const;

const accepted = {
  type: 'object',
  properties: { id: { type: 'string' }, state: { type: 'string' } },
  required: ['id', 'state'],
} as const;

const job = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    state: { type: 'string' },
    result: {},
    error: { type: 'string' },
  },
  required: ['id', 'name', 'state'],
} as const;

const error = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
} as const;

const send = (reply: FastifyReply, { status, headers, body }: JobReply) =>
  reply.code(status).headers(headers).send(body);

// WORK-1: the job runs off the request path; this wires it and declares what it answers
export const jobRoutes: FastifyPluginAsync<{ jobs: JobService }> = async (app, { jobs }) => {
  // bodies are JSON: without its text parser (in this plugin only) Fastify answers any other
  // type 415, as Express and Hono do
  app.removeContentTypeParser('text/plain');

  app.post<{ Body: { rounds: number } | undefined }>(
    '/api/jobs',
    { schema: { body, response: { 202: accepted, 503: error } } },
    async (request, reply) => send(reply, await jobs.submit(request.body?.rounds ?? defaultRounds)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id',
    { schema: { response: { 200: job, 404: error, 503: error } } },
    async (request, reply) => send(reply, await jobs.state(request.params.id)),
  );
};
