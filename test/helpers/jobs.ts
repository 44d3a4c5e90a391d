// the sample job routes of a booted app (`--jobs`, WORK-1), for the end-to-end suite
// (jobs.test.ts, topology.test.ts).

import { expect } from 'vitest';

export interface Job {
  id: string;
  state: string;
  result?: { rounds: number; digest: string };
}

export interface Posted {
  id: string;
  /** the Location header of the 202: where to follow the job */
  location: string | null;
}

/** POST /api/jobs at `baseUrl` (an app or a proxy in front): 202, with the job's id */
export async function postJob(baseUrl: string, rounds: number): Promise<Posted> {
  const res = await fetch(`${baseUrl}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rounds }),
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  return { id, location: res.headers.get('location') };
}

/** the job's state as `baseUrl` answers it, once it is done or failed (at most 30 s) */
export async function finishedJob(baseUrl: string, id: string): Promise<Job> {
  let job: Job | undefined;
  for (let i = 0; i < 300; i++) {
    job = (await (await fetch(`${baseUrl}/api/jobs/${id}`)).json()) as Job;
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${id} is still ${job?.state}`);
}
