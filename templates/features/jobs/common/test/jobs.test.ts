import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { start } from './helpers.js';
import { runJobs } from './job-runner.js';

/** the digest the sample job must come to, computed here */
function expectedDigest(rounds: number): string {
  let digest: Buffer = Buffer.from('perf-app');
  for (let round = 0; round < rounds; round += 1) {
    digest = createHash('sha256').update(digest).digest();
  }
  return digest.toString('hex');
}

async function post(server: RunningServer, body?: unknown) {
  const res = await fetch(`${server.url}/api/jobs`, {
    method: 'POST',
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

/** the job's state, asked until it is finished */
async function finished(server: RunningServer, location: string) {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(new URL(location, server.url));
    const job = (await res.json()) as { state: string };
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${location} did not finish in 10 s`);
}

/** a server, and what runs its jobs (itself, or a worker on its queue), for one test */
async function withJobs(
  env: Record<string, string>,
  test: (server: RunningServer) => Promise<void>,
) {
  const server = await start(env);
  const jobs = await runJobs(server);
  try {
    await test(server);
  } finally {
    await server.close();
    await jobs.stop();
  }
}

describe('background jobs', () => {
  it('WORK-1: POST /api/jobs answers 202 with the id and its Location, and the job is later done', async () => {
    await withJobs({}, async (server) => {
      const accepted = await post(server, { rounds: 1000 });
      expect(accepted.status).toBe(202);
      const { id } = accepted.body as { id: string };
      expect(accepted.body).toEqual({ id: expect.any(String), state: 'queued' });
      const location = accepted.headers.get('location') ?? '';
      expect(location).toBe(`/api/jobs/${id}`);
      expect(await finished(server, location)).toEqual({
        id,
        name: 'hash',
        state: 'done',
        result: { rounds: 1000, digest: expectedDigest(1000) },
      });
      // without a body: the default rounds
      const byDefault = await post(server);
      expect(byDefault.status).toBe(202);
      const location2 = byDefault.headers.get('location') ?? '';
      expect(await finished(server, location2)).toMatchObject({ result: { rounds: 10_000 } });
    });
  });

  it('WORK-1: an unknown job id is 404', async () => {
    await withJobs({}, async (server) => {
      for (const id of ['no-such-job', '123456789']) {
        const res = await fetch(`${server.url}/api/jobs/${id}`);
        expect(res.status, id).toBe(404);
        expect(await res.json(), id).toEqual({ error: expect.any(String) });
      }
    });
  });

  it('WORK-1: rounds that are not a whole number from 1 to 1,000,000 get a 400 naming them', async () => {
    await withJobs({}, async (server) => {
      for (const rounds of [0, 1_000_001, 'many', 1.5, -3]) {
        const { status, body } = await post(server, { rounds });
        expect(status, String(rounds)).toBe(400);
        expect(body, String(rounds)).toEqual({ error: expect.stringContaining('rounds') });
      }
    });
  });

  it('WORK-1: past JOBS_QUEUE_MAX waiting jobs, POST gets 503 with Retry-After and /ready says degraded', async () => {
    // one job running (with the in-process queue) and one waiting fill it
    await withJobs({ JOBS_CONCURRENCY: '1', JOBS_QUEUE_MAX: '1' }, async (server) => {
      const statuses: number[] = [];
      let refused: Awaited<ReturnType<typeof post>> | undefined;
      while (!refused && statuses.length < 3) {
        const answer = await post(server, { rounds: 100_000 });
        statuses.push(answer.status);
        if (answer.status === 503) refused = answer;
      }
      expect(statuses.slice(0, -1).every((status) => status === 202)).toBe(true);
      expect(refused?.headers.get('retry-after')).toBe('1');
      expect(refused?.body).toEqual({ error: 'the job queue is full' });
      const ready = await fetch(`${server.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { jobs: { status: 'degraded' } } });
    });
  });
});
