import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { JobQueue } from './queue.js';
import { RedisJobQueue } from './redis-queue.js';

/** the job queue of this project: in Redis, run by `npm run worker` processes (WORK-1) */
export function createJobQueue(settings: Config['jobs'], logger: Logger): JobQueue {
  return new RedisJobQueue(settings, logger);
}
