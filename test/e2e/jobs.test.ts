// Background jobs of the built app (WORK-1): with `--jobs memory` the server runs them and a
// SIGTERM finishes the queued ones before it exits; with `--jobs bullmq` the server only queues
// them in Redis and `npm run worker` (a process of its own, started as a supervisor would) runs
// them, and stops on SIGTERM after its running job.

import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { appDir, boot, removeKeys, sharedServices } from '../helpers/e2e.js';
import { finishedJob, postJob } from '../helpers/jobs.js';
import { onePer, optionSets } from './sets.js';

/** one set per framework and backend */
const sets = onePer(
  optionSets.filter((set) => set.answers.jobs !== 'none'),
  ({ framework, jobs }) => `${framework} ${jobs}`,
);

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);

  if (set.answers.jobs === 'memory') {
    it('WORK-1: the built app runs a posted job, and SIGTERM finishes the queued ones, exit 0', async () => {
      const app = await boot(dir, { JOBS_CONCURRENCY: '1', REDIS_URL: sharedServices.REDIS_URL });
      const first = await finishedJob(app.url, (await postJob(app.url, 1000)).id);
      expect(first).toMatchObject({ state: 'done', result: { rounds: 1000 } });
      // about a second of work in all, one at a time: most are still queued at the signal
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await postJob(app.url, 100_000)).id);
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
      const env = { REDIS_URL: sharedServices.REDIS_URL, JOBS_PREFIX: prefix, LOG_LEVEL: 'info' };
      const app = await boot(dir, env);
      const worker = execa('npm', ['run', 'worker'], {
        cwd: dir,
        env,
        reject: false,
        all: true,
      });
      try {
        const { id } = await postJob(app.url, 1000);
        expect(await finishedJob(app.url, id)).toMatchObject({
          state: 'done',
          result: { rounds: 1000 },
        });
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
