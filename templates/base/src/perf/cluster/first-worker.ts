import cluster, { type Worker } from 'node:cluster';
import { isClusterPrimary, workerCount } from '../../settings/cluster.js';
import { loadEnvFile } from '../../settings/env-file.js';

type Exit = [code: number | null, signal: NodeJS.Signals | null];

/** the first worker of a cluster, forked before its primary read its settings */
export interface FirstWorker {
  worker: Worker;
  /**
   * Hands the worker to its supervisor: the messages it sent so far go to `onMessage` (the
   * later ones are the supervisor's to listen for), and an exit that came before, to `onExit`.
   */
  adopt(onMessage: (message: unknown) => void, onExit: (...exit: Exit) => void): void;
}

/**
 * WORK-3: in a cluster's primary, forks the first worker before anything else is loaded.
 * Loading and checking the settings (config.ts and its schema library) takes the primary about
 * as long as a worker's own start takes to load the framework, and the first worker waited for
 * it; now both load at once, on two cores. WEB_CONCURRENCY is read here as the settings read it
 * (`.env` under the environment, `workerCount`), and only a plain number counts: anything else
 * is left to the settings, which will report it. Undefined in a worker, and when one process
 * serves (WEB_CONCURRENCY=1, or one core).
 *
 * Should the settings be wrong, the primary says so and exits 1, and this worker goes with it:
 * it is stopped as the primary exits, and a cluster worker's own settings error is not
 * printed (config.ts), since its primary read the same settings and printed it once.
 */
export function forkFirstWorker(): FirstWorker | undefined {
  if (!cluster.isPrimary) return undefined;
  loadEnvFile();
  const setting = process.env['WEB_CONCURRENCY'] || undefined;
  if (setting !== undefined && !/^\d+$/.test(setting)) return undefined;
  const workers = workerCount(setting === undefined ? undefined : Number(setting));
  if (!isClusterPrimary({ workers })) return undefined;

  const worker = cluster.fork();
  const messages: unknown[] = [];
  let exited: Exit | undefined;
  const keep = (message: unknown) => messages.push(message);
  const keepExit = (...exit: Exit) => (exited = exit);
  const stop = () => worker.process.kill();
  worker.on('message', keep);
  worker.once('exit', keepExit);
  process.once('exit', stop);
  return {
    worker,
    adopt(onMessage, onExit) {
      worker.off('message', keep);
      worker.off('exit', keepExit);
      process.off('exit', stop);
      for (const message of messages) onMessage(message);
      if (exited) onExit(...exited);
    },
  };
}
