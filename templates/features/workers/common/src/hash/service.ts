import { withSpan } from '../perf/spans.js';
import { PoolBusyError, type WorkerPool } from '../perf/worker-pool.js';
import type { HashTask } from './task.js';

export const defaultRounds = 10_000;
export const maxRounds = 1_000_000;

/** what a route sends */
export interface HashReply {
  status: number;
  headers: Record<string, string>;
  body: { rounds: number; digest: string } | { error: string };
}

const task = new URL('./task.js', import.meta.url);

/** `?rounds=` as Express and Hono hand it over; Fastify checks it with its JSON schema */
export function parseRounds(text: unknown): number | undefined {
  if (text === undefined) return defaultRounds;
  const rounds = typeof text === 'string' && /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  return rounds >= 1 && rounds <= maxRounds ? rounds : undefined;
}

export const roundsError = `rounds must be a whole number from 1 to ${maxRounds}`;

/** the sample route's logic, framework-neutral: each method returns what the route sends */
export function createHasher(workers: WorkerPool) {
  return {
    async hash(rounds: number, signal?: AbortSignal): Promise<HashReply> {
      try {
        // OBS-3: the span covers the wait for a thread and the work in it
        const digest = await withSpan('hash.compute', { 'hash.rounds': rounds }, () =>
          workers.run<string>(task, { rounds } satisfies HashTask, signal),
        );
        return { status: 200, headers: { 'cache-control': 'no-store' }, body: { rounds, digest } };
      } catch (error) {
        if (error instanceof PoolBusyError) {
          const headers = { 'retry-after': String(error.retryAfterSeconds) };
          return { status: 503, headers, body: { error: error.message } };
        }
        // nobody is left to read it: nginx's code for a request its client closed
        if (signal?.aborted)
          return { status: 499, headers: {}, body: { error: 'Client Closed Request' } };
        throw error;
      }
    },
  };
}

export type Hasher = ReturnType<typeof createHasher>;
