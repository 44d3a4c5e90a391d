import { withSpan } from '../perf/spans.js';
import { hashJob, type HashJob, type HashResult } from './hash.js';

/**
 * Every kind of job, by name: what the queue stores is the name and the data, and whichever
 * process takes the job (this one, or `npm run worker`) runs it through this table. Add a job
 * of your own here.
 */
export interface Jobs {
  hash: { data: HashJob; result: HashResult };
}

export type JobName = keyof Jobs;

const handlers: { [N in JobName]: (data: Jobs[N]['data']) => Promise<Jobs[N]['result']> } = {
  hash: hashJob,
};

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(handlers, name);
}

/** runs one job; OBS-3: in a span of its own, which a trace of the job shows */
export function runJob(name: string, data: unknown, id: string): Promise<unknown> {
  if (!isJobName(name)) return Promise.reject(new Error(`no handler for jobs named "${name}"`));
  const handler = handlers[name] as (data: unknown) => Promise<unknown>;
  return withSpan(`job ${name}`, { 'job.id': id, 'job.name': name }, () => handler(data));
}
