import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { runJob, type JobName, type Jobs } from '../../jobs/handlers.js';
import { QueueBusyError, type JobQueue, type JobState } from './queue.js';

/**
 * WORK-1: jobs run in this process, `concurrency` at a time (p-queue), off the request path.
 * At most `queueMax` wait; the next is refused at once (503 with Retry-After) instead of
 * growing the heap. A finished job's state is kept for GET /api/jobs/:id up to `keepFinished`
 * jobs and `keepSeconds`, so memory stays bounded however many jobs come. At shutdown the
 * queue is drained: every job it took runs to its end. A job lost with the process (a crash, a
 * SIGKILL) is not run again: for that, generate with `--jobs bullmq`.
 */
export class MemoryJobQueue implements JobQueue {
  readonly #queue: PQueue;
  readonly #settings: Config['jobs'];
  readonly #logger: Logger;
  /** queued, running and kept finished jobs, by id */
  readonly #jobs = new Map<string, JobState>();
  /** when each kept finished job finished, oldest first */
  readonly #finished = new Map<string, number>();

  constructor(settings: Config['jobs'], logger: Logger) {
    this.#settings = settings;
    this.#logger = logger;
    this.#queue = new PQueue({ concurrency: settings.concurrency });
  }

  async add<N extends JobName>(name: N, data: Jobs[N]['data']): Promise<string> {
    if (this.#queue.size >= this.#settings.queueMax) {
      throw new QueueBusyError('the job queue is full');
    }
    const job: JobState = { id: randomUUID(), name, state: 'queued' };
    this.#jobs.set(job.id, job);
    void this.#queue.add(() => this.#run(job, data));
    return job.id;
  }

  async get(id: string): Promise<JobState | undefined> {
    this.#forgetOld();
    return this.#jobs.get(id);
  }

  /** in this process: nothing to connect to */
  async ready(): Promise<void> {
    return undefined;
  }

  async check(): Promise<'up' | 'degraded'> {
    return this.#queue.size >= this.#settings.queueMax ? 'degraded' : 'up';
  }

  /** resolves once every queued and running job has finished */
  async close(): Promise<void> {
    const left = this.#queue.size + this.#queue.pending;
    if (left > 0) this.#logger.info({ jobs: left }, 'jobs: finishing the queued jobs');
    await this.#queue.onIdle();
  }

  async #run(job: JobState, data: unknown): Promise<void> {
    const started = performance.now();
    job.state = 'running';
    try {
      job.result = await runJob(job.name, data, job.id);
      job.state = 'done';
    } catch (error) {
      job.state = 'failed';
      job.error = error instanceof Error ? error.message : String(error);
    }
    const ms = Math.round(performance.now() - started);
    const fields = { job: job.id, name: job.name, ms };
    if (job.state === 'done') this.#logger.info(fields, 'job done');
    else this.#logger.error({ ...fields, error: job.error }, 'job failed');
    this.#finished.set(job.id, Date.now());
    this.#forgetOld();
  }

  /** drops the oldest finished jobs past the count or the age they are kept for */
  #forgetOld(): void {
    const oldest = Date.now() - this.#settings.keepSeconds * 1000;
    for (const [id, finishedAt] of this.#finished) {
      if (this.#finished.size <= this.#settings.keepFinished && finishedAt >= oldest) break;
      this.#finished.delete(id);
      this.#jobs.delete(id);
    }
  }
}
