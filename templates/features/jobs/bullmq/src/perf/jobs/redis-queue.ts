import { Queue, type DefaultJobOptions, type JobState as BullState } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { JobName, Jobs } from '../../jobs/handlers.js';
import { QueueBusyError, type JobQueue, type JobState } from './queue.js';

/** the one queue of the app; its Redis keys are `<prefix>:jobs:...` */
export const queueName = 'jobs';

// below the 1 s that /ready gives each check
const checkWaitMs = 500;
const connectTimeoutMs = 2000;

const timeout = (ms: number) =>
  sleep(ms).then(() => Promise.reject(new Error(`Redis did not answer in ${ms} ms`)));

const states: Record<BullState | 'unknown', JobState['state'] | undefined> = {
  waiting: 'queued',
  prioritized: 'queued',
  delayed: 'queued', // waiting for its next attempt, after a failure
  'waiting-children': 'queued',
  active: 'running',
  completed: 'done',
  failed: 'failed',
  unknown: undefined,
};

/** each job's: retries with exponential backoff, and bounds on the finished ones kept */
export function jobOptions(settings: Config['jobs']): DefaultJobOptions {
  const keep = { count: settings.keepFinished, age: settings.keepSeconds };
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: keep,
    removeOnFail: keep,
  };
}

/**
 * WORK-1: the web side of the queue. Jobs are kept in Redis (BullMQ) and run by the
 * `npm run worker` processes, on this machine or others, so they outlive a restart of either.
 * A failing job is retried `attempts` times with exponential backoff; finished jobs are
 * removed past `keepFinished` jobs or `keepSeconds`, so Redis does not fill up. At most
 * `queueMax` jobs wait: past that, POST /api/jobs gets 503 with Retry-After, as it does when
 * Redis is unreachable, within a second rather than after a hung request.
 */
export class RedisJobQueue implements JobQueue {
  readonly #queue: Queue;
  readonly #settings: Config['jobs'];
  readonly #logger: Logger;
  #reachable = true;

  constructor(settings: Config['jobs'], logger: Logger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#queue = new Queue(queueName, {
      // a request never waits long for Redis: a command it does not answer in a second fails
      // (one sent while it is away too), and a call waits for no connection to be ready
      connection: {
        url: settings.redisUrl,
        commandTimeout: 1000,
        connectTimeout: connectTimeoutMs,
      },
      prefix: settings.prefix,
      skipWaitingForReady: true,
      defaultJobOptions: jobOptions(settings),
    });
    // without a listener an 'error' event would end the process; ioredis reconnects by itself
    this.#queue.on('error', (error) => this.#unreachable(error));
  }

  async add<N extends JobName>(name: N, data: Jobs[N]['data']): Promise<string> {
    const job = await this.#call(async () => {
      if ((await this.#waiting()) >= this.#settings.queueMax) return undefined;
      return this.#queue.add(name, data);
    });
    if (!job?.id) throw new QueueBusyError('the job queue is full');
    return job.id;
  }

  async get(id: string): Promise<JobState | undefined> {
    return this.#call(async () => {
      // the state first: a job read as done then has its result, which a job read first and
      // finished before its state was asked would lack
      const state = states[await this.#queue.getJobState(id)];
      const job = state && (await this.#queue.getJob(id));
      if (!state || !job) return undefined;
      return {
        id,
        name: job.name,
        state,
        ...(state === 'done' && { result: job.returnvalue as unknown }),
        ...(state === 'failed' && { error: job.failedReason }),
      };
    });
  }

  /**
   * Once the server listens, before readiness turns green: the first connection to Redis, at
   * most `connectTimeoutMs`, so that the first jobs posted are not refused while it is made.
   * The app serves either way, and the queue connects whenever Redis answers.
   */
  async ready(): Promise<void> {
    const deadline = Date.now() + connectTimeoutMs;
    while (Date.now() < deadline) {
      // a command answered, rather than a client's state: the same whatever client BullMQ uses
      if (
        await this.#waiting().then(
          () => true,
          () => false,
        )
      )
        return;
      await sleep(50);
    }
  }

  async check(): Promise<'up' | 'degraded'> {
    // Redis away or slow is 'degraded', not down: every instance shares it, and failing
    // readiness would take them all out of the load balancer for the sake of one route
    const waiting = await Promise.race([this.#waiting(), timeout(checkWaitMs)]).catch(
      () => Infinity,
    );
    return waiting >= this.#settings.queueMax ? 'degraded' : 'up';
  }

  /**
   * At shutdown, after the last request: nothing is left to send, so a Redis that does not
   * answer gets a quarter of a second to take the goodbye, then the connection is cut.
   */
  async close(): Promise<void> {
    const closed = this.#queue.close().then(() => true);
    if (!(await Promise.race([closed, sleep(250, false)]))) {
      await Promise.race([this.#queue.disconnect(), sleep(250)]);
    }
  }

  /** jobs not yet taken by a worker */
  async #waiting(): Promise<number> {
    const counts = await this.#queue.getJobCounts('waiting', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  /** a Redis call: its failure is a QueueBusyError (503), logged once until Redis is back */
  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      if (!this.#reachable) this.#logger.info('jobs: Redis answers again');
      this.#reachable = true;
      return result;
    } catch (error) {
      this.#unreachable(error);
      throw new QueueBusyError('the job queue is unreachable', { cause: error });
    }
  }

  #unreachable(error: unknown): void {
    if (this.#reachable) this.#logger.warn({ err: error }, 'jobs: Redis does not answer');
    this.#reachable = false;
  }
}
