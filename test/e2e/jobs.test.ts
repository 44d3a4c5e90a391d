// Background jobs of the built app (WORK-1): with `--jobs memory` the server runs them and a
// SIGTERM finishes the queued ones before it exits; with `--jobs bullmq` the server only queues
// them in Redis and `npm run worker` (a process of its own, started as a supervisor would) runs
// them, and stops on SIGTERM after its running job.

import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { appDir, boot, type BootedApp } from '../helpers/e2e.js';
import { onePer, optionSets } from './sets.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** one set per framework and backend */
const sets = onePer(
  optionSets.filter((set) => set.answers.jobs !== 'none'),
  ({ framework, jobs }) => `${framework} ${jobs}`,
);

type Job = { id: string; state: string; result?: { rounds: number; digest: string } };

async function post(app: BootedApp, rounds: number): Promise<string> {
  const res = await fetch(`${app.url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rounds }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** the job's state, once it is done or failed */
async function finished(app: BootedApp, id: string): Promise<Job> {
  let job: Job | undefined;
  for (let i = 0; i < 300; i++) {
    job = (await (await fetch(`${app.url}/api/jobs/${id}`)).json()) as Job;
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} is still ${job?.state}`);
}

/** removes the keys of a test's own queue prefix, and only those */
async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);

  if (set.answers.jobs === 'memory') {
    it('WORK-1: the built app runs a posted job, and SIGTERM finishes the queued ones, exit 0', async () => {
      const app = await boot(dir, { JOBS_CONCURRENCY: '1', REDIS_URL: redisUrl });
      const first = await finished(app, await post(app, 1000));
      expect(first).toMatchObject({ state: 'done', result: { rounds: 1000 } });
      // about a second of work in all, one at a time: most are still queued at the signal
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await post(app, 100_000));
      app.process.kill('SIGTERM');
      expect((await app.process).exitCode).toBe(0);
      const done = app
        .output()
        .split('\n')
        .filter((line) => line.includes('"job done"'))
        .map((line) => (JSON.parse(line) as { job: string }).job);
      expect(done).toEqual(expect.arrayContaining(ids));
    });
  }

  if (set.answers.jobs === 'bullmq') {
    it('WORK-1: a job posted to the built app runs in `npm run worker`, which SIGTERM stops, exit 0', async () => {
      const prefix = `e2e-jobs-${randomUUID()}`;
      const env = { REDIS_URL: redisUrl, JOBS_PREFIX: prefix, LOG_LEVEL: 'info' };
      const app = await boot(dir, env);
      const worker = execa('npm', ['run', 'worker'], {
        cwd: dir,
        env,
        reject: false,
        all: true,
      });
      try {
        const id = await post(app, 1000);
        expect(await finished(app, id)).toMatchObject({ state: 'done', result: { rounds: 1000 } });
        // the server ran nothing: the job was done by the worker's process
        expect(app.output()).not.toContain('"job done"');
        worker.kill('SIGTERM');
        const stopped = await worker;
        expect(stopped.all).toContain('"job done"');
        expect(stopped.exitCode, stopped.all).toBe(0);
      } finally {
        worker.kill('SIGKILL');
        app.process.kill('SIGKILL');
        await app.process;
        await removeKeys(prefix);
      }
    });
  }
});
