import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { jobOptions, queueName } from '../src/perf/jobs/redis-queue.js';
import type { RunningServer } from '../src/server.js';
import { testEnv } from './env.js';
import { start } from './helpers.js';
import { removeQueue } from './job-runner.js';

type Job = { id: string; state: string; result?: unknown; error?: string };

/** `npm run worker` as a process of its own (dist/, built by test/global-setup.ts) */
async function worker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn('node', ['dist/worker.js'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if ((JSON.parse(line) as { msg: string }).msg === 'job worker running') break;
  }
  lines.on('line', () => {}); // keep reading, so that the pipe never fills
  return child;
}

async function post(server: RunningServer, rounds: number): Promise<string> {
  const res = await fetch(`${server.url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rounds }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function job(server: RunningServer, id: string): Promise<Job> {
  return (await (await fetch(`${server.url}/api/jobs/${id}`)).json()) as Job;
}

/** asks for the job's state until `done` says it is the one awaited, for 20 s at most */
async function until(server: RunningServer, id: string, done: (job: Job) => boolean) {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const state = await job(server, id);
    if (done(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} stayed ${(await job(server, id)).state}`);
}

/** the server (which queues), the settings a worker takes, and the queue's keys removed after */
async function withQueue(
  env: Record<string, string>,
  test: (server: RunningServer, workerEnv: Record<string, string>) => Promise<void>,
) {
  const workerEnv = { ...testEnv(), ...env };
  const server = await start(workerEnv);
  try {
    await test(server, workerEnv);
  } finally {
    await server.close();
    await removeQueue(server.context.config.jobs);
  }
}

describe('background jobs in Redis', () => {
  it('WORK-1: a job queued by the server is run by `npm run worker`, another process', async () => {
    await withQueue({}, async (server, workerEnv) => {
      const id = await post(server, 1000);
      // the server runs no job itself: it waits in Redis for a worker
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await job(server, id)).toMatchObject({ state: 'queued' });
      const child = await worker(workerEnv);
      try {
        const finished = await until(server, id, ({ state }) => state === 'done');
        expect(finished.result).toMatchObject({ rounds: 1000, digest: expect.any(String) });
      } finally {
        child.kill('SIGKILL');
      }
    });
  }, 30_000);

  it('WORK-1: a job left running by a killed worker (SIGKILL) runs after a restart', async () => {
    await withQueue({ JOBS_LOCK_MS: '2000', JOBS_CONCURRENCY: '1' }, async (server, workerEnv) => {
      const first = await worker(workerEnv);
      // about a second of work: it is running when the worker is killed
      const id = await post(server, 300_000);
      await until(server, id, ({ state }) => state === 'running');
      first.kill('SIGKILL');
      await once(first, 'exit');
      expect(await job(server, id)).toMatchObject({ state: 'running' });
      const second = await worker(workerEnv);
      try {
        // its lock expires within JOBS_LOCK_MS, and the restarted worker runs it from the start
        const finished = await until(server, id, ({ state }) => state === 'done');
        expect(finished.result).toMatchObject({ rounds: 300_000 });
      } finally {
        second.kill('SIGKILL');
      }
    });
  }, 60_000);

  it('WORK-1, RUN-2: SIGTERM lets the running job finish, then the worker exits 0', async () => {
    await withQueue({ JOBS_CONCURRENCY: '1' }, async (server, workerEnv) => {
      const child = await worker(workerEnv);
      const id = await post(server, 300_000);
      await until(server, id, ({ state }) => state === 'running');
      const waiting = await post(server, 1);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(await job(server, id)).toMatchObject({ state: 'done' });
      // the one not yet taken waits in Redis for the next worker
      expect(await job(server, waiting)).toMatchObject({ state: 'queued' });
    });
  }, 30_000);

  it('WORK-1: a failing job is tried JOBS_ATTEMPTS times with backoff, then reported failed', async () => {
    await withQueue({ JOBS_ATTEMPTS: '3', JOBS_BACKOFF_MS: '100' }, async (server, workerEnv) => {
      const settings = server.context.config.jobs;
      // a job no handler knows (as an older or newer version of the app might queue), with
      // the options the app gives each job
      const connection = { url: settings.redisUrl };
      const queue = new Queue(queueName, { connection, prefix: settings.prefix });
      const queued = await queue.add('no-such-job', {}, jobOptions(settings));
      const child = await worker(workerEnv);
      try {
        const id = queued.id ?? '';
        const failed = await until(server, id, ({ state }) => state === 'failed');
        expect(failed.error).toBe('no handler for jobs named "no-such-job"');
        const record = await queue.getJob(id);
        expect(record?.attemptsMade).toBe(3);
        // 100 ms, then 200 ms, before the second and third runs
        expect((record?.finishedOn ?? 0) - (record?.timestamp ?? 0)).toBeGreaterThanOrEqual(300);
      } finally {
        child.kill('SIGKILL');
        await queue.close();
      }
    });
  }, 30_000);
});
