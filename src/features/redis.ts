import type { Answers } from '../options.js';
import type { EnvVar } from './types.js';

/**
 * REDIS_URL, one setting for every feature that keeps something in Redis: each declares it
 * with this, so the project has it once with one meaning.
 */
export function redisUrl(answers: Answers): EnvVar {
  const users = [
    ...(answers.cache === 'redis' || answers.cache === 'tiered' ? ['the shared cache'] : []),
  ].join(' and ');
  return {
    name: 'REDIS_URL',
    schema: 'z.url()',
    doc: `Redis for ${users}, like redis://127.0.0.1:6379; without it the cache stays in memory`,
  };
}
