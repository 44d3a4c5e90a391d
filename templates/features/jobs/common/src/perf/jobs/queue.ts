import type { JobName, Jobs } from '../../jobs/handlers.js';

/** a job as GET /api/jobs/:id shows it */
export interface JobState {
  id: string;
  name: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** the job's result, once done */
  result?: unknown;
  /** why it failed, once failed */
  error?: string;
}

/**
 * WORK-1: where jobs wait and run. The memory backend runs them in this process; the BullMQ
 * backend keeps them in Redis for `npm run worker` processes to run.
 */
export interface JobQueue {
  /** queues a job and returns its id; rejects with QueueBusyError when it cannot take one */
  add<N extends JobName>(name: N, data: Jobs[N]['data']): Promise<string>;
  /** the job's state, or undefined for an id it does not know (or no longer keeps) */
  get(id: string): Promise<JobState | undefined>;
  /** once the server listens: resolves when it can take jobs, or after a bounded wait */
  ready(): Promise<void>;
  /** for /ready: 'degraded' while it refuses jobs; the rest of the app is served meanwhile */
  check(): Promise<'up' | 'degraded'>;
  /** at shutdown, once requests have drained */
  close(): Promise<void>;
}

/** the queue is full or unreachable: answered at once with when to come back */
export class QueueBusyError extends Error {
  override name = 'QueueBusyError';
  readonly retryAfterSeconds = 1;
}
