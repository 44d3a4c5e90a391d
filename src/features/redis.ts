import type { Answers } from '../options.js';
import { images } from '../versions.js';
import type { Deploy, EnvVar, TestService } from './types.js';

/**
 * REDIS_URL, one setting for every feature that keeps something in Redis: the shared cache
 * and the job queue each declare it with this, so the project has it once with one meaning.
 * Unset, the cache stays in memory; the queue, which cannot do without Redis, takes the local
 * one, as `redis-cli` does.
 */
export function redisUrl(answers: Answers): EnvVar {
  const cache = answers.cache === 'redis' || answers.cache === 'tiered';
  const users = [
    ...(answers.jobs === 'bullmq' ? ['the job queue'] : []),
    ...(cache ? ['the shared cache'] : []),
  ].join(' and ');
  const unset = [
    ...(cache ? ['the cache stays in memory'] : []),
    ...(answers.jobs === 'bullmq' ? ['the queue is at redis://127.0.0.1:6379'] : []),
  ].join(' and ');
  return {
    name: 'REDIS_URL',
    schema: 'url()',
    doc: `Redis for ${users}, like redis://127.0.0.1:6379; without it ${unset}`,
    secret: true,
  };
}

/**
 * RUN-4: one Redis service in compose.yaml for whichever features keep something in it (the
 * same declaration from each, so they share it), and the app's REDIS_URL pointing at it
 */
export const redisDeploy: Deploy = {
  services: {
    redis: {
      template: 'compose/redis.yaml.hbs',
      appWaitsFor: 'service_healthy',
      volumes: ['redis-data'],
    },
  },
  settings: { REDIS_URL: 'redis://redis:6379' },
};

/** the Redis the project's tests use, for whichever features keep something in it */
export const redisTestService: TestService = {
  name: 'Redis',
  variable: 'REDIS_URL',
  url: 'redis://127.0.0.1:6379',
  defaultPort: 6379,
  start: 'redis-server',
  readme: `Start one with \`redis-server\`, or in Docker: \`docker run -d -p 127.0.0.1:6379:6379 ${images.redis}\`.`,
};
