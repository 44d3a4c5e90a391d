import { QueueBusyError, type JobQueue } from '../perf/jobs/queue.js';

export const defaultRounds = 10_000;
export const maxRounds = 1_000_000;

/** what a route sends */
export interface JobReply {
  status: number;
  headers: Record<string, string>;
  body: object;
}

export const roundsError = `send {"rounds": N} with N a whole number from 1 to ${maxRounds}, or no body`;

/** the body of POST /api/jobs as Express and Hono hand it over; Fastify checks its schema */
export function parseRounds(body: unknown): number | undefined {
  if (body === undefined) return defaultRounds;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { rounds = defaultRounds } = body as { rounds?: unknown };
  return Number.isInteger(rounds) && Number(rounds) >= 1 && Number(rounds) <= maxRounds
    ? Number(rounds)
    : undefined;
}

const noStore = { 'cache-control': 'no-store' };

function busy(error: QueueBusyError): JobReply {
  const headers = { ...noStore, 'retry-after': String(error.retryAfterSeconds) };
  return { status: 503, headers, body: { error: error.message } };
}

/** WORK-1: the sample routes' logic, framework-neutral: each method returns what a route sends */
export function createJobService(queue: JobQueue) {
  return {
    /** queues the sample job: 202 at once, with where to follow it */
    async submit(rounds: number): Promise<JobReply> {
      try {
        const id = await queue.add('hash', { rounds });
        const location = `/api/jobs/${encodeURIComponent(id)}`;
        return { status: 202, headers: { ...noStore, location }, body: { id, state: 'queued' } };
      } catch (error) {
        if (error instanceof QueueBusyError) return busy(error);
        throw error;
      }
    },

    async state(id: string): Promise<JobReply> {
      try {
        const job = await queue.get(id);
        if (!job) return { status: 404, headers: noStore, body: { error: 'no such job' } };
        return { status: 200, headers: noStore, body: job };
      } catch (error) {
        if (error instanceof QueueBusyError) return busy(error);
        throw error;
      }
    },

    ready: () => queue.ready(),
    check: () => queue.check(),
    close: () => queue.close(),
  };
}

export type JobService = ReturnType<typeof createJobService>;
