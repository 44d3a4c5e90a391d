import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { MemoryJobQueue } from './memory-queue.js';
import type { JobQueue } from './queue.js';

/** the job queue of this project: in this process, drained at shutdown (WORK-1) */
export function createJobQueue(settings: Config['jobs'], logger: Logger): JobQueue {
  return new MemoryJobQueue(settings, logger);
}
