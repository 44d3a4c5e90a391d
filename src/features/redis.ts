import type { Answers } from '../options.js';
import type { EnvVar } from './types.js';

/**
 * REDIS_URL, one setting for every feature that keeps something in Redis: the shared cache
 * and the job queue each declare it with this, so the project has it once with one meaning.
 * The queue cannot do without Redis, so with it the setting has a default; the cache alone
 * stays in memory when it is unset.
 */
export function redisUrl(answers: Answers): EnvVar {
  const users = [
    ...(answers.jobs === 'bullmq' ? ['the job queue'] : []),
    ...(answers.cache === 'redis' || answers.cache === 'tiered' ? ['the shared cache'] : []),
  ].join(' and ');
  if (answers.jobs === 'bullmq') {
    return {
      name: 'REDIS_URL',
      schema: 'z.url()',
      default: 'redis://127.0.0.1:6379',
      doc: `Redis for ${users}`,
    };
  }
  return {
    name: 'REDIS_URL',
    schema: 'z.url()',
    doc: `Redis for ${users}, like redis://127.0.0.1:6379; without it the cache stays in memory`,
  };
}
