import type { ServerResponse } from 'node:http';
import { Piscina } from 'piscina';
import type { Config } from '../config.js';

/** the pool's queue is full: answered at once with when to come back, instead of queued */
export class PoolBusyError extends Error {
  override name = 'PoolBusyError';
  readonly retryAfterSeconds = 1;
}

// Run from source (`npm run dev`, `npm test`), the task modules are TypeScript, and each thread
// loads them through tsx as the main thread does; built, they are JavaScript. Either way a task
// is named by its `.js` file, as TypeScript's own imports are.
const fromSource = import.meta.url.endsWith('.ts');

/**
 * WORK-2: a fixed set of worker threads (piscina) for CPU-heavy work, so the event loop keeps
 * answering other requests while a task runs. At most `queueMax` tasks wait for a thread; the
 * next one is refused with PoolBusyError.
 */
export function createWorkerPool(settings: Config['workers']) {
  const pool = new Piscina({
    // every thread is started with the app, not on the first requests
    minThreads: settings.threads,
    maxThreads: settings.threads,
    // not the app's own flags: `--import` of the tracing preload would start a second SDK in
    // each thread
    execArgv: fromSource ? ['--import', 'tsx'] : [],
  });

  return {
    /**
     * Runs the default export of the task module `file` with `task` in a thread. When `signal`
     * aborts (the client went away), a queued task is dropped and a running one's thread is
     * stopped and replaced.
     */
    run<Result>(file: URL, task: unknown, signal?: AbortSignal): Promise<Result> {
      // checked here, not by piscina's maxQueue, which does not count tasks given a signal
      if (pool.queueSize >= settings.queueMax) {
        return Promise.reject(
          new PoolBusyError('every worker thread is busy and the queue is full'),
        );
      }
      const filename = fromSource ? file.href.replace(/\.js$/, '.ts') : file.href;
      return pool.run(task, { filename, signal }) as Promise<Result>;
    },
    get full(): boolean {
      return pool.queueSize >= settings.queueMax;
    },
    /** at shutdown, once requests have drained: waits for running tasks, drops queued ones */
    close: () => pool.close({ force: true }),
  };
}

export type WorkerPool = ReturnType<typeof createWorkerPool>;

/** aborts when the response closes before it was sent: the client went away */
export function whenClientGoes(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
