import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { FirstWorker } from './first-worker.js';
import { isClusterMessage, type ClusterMessage } from './messages.js';

/** deaths within this window count toward the restart delay and toward a crash loop */
const deathWindowMs = 60_000;
/** the delay before restarting after one death, doubled for each other death in the window */
const firstRestartDelayMs = 100;
const maxRestartDelayMs = 10_000;

interface WorkerState {
  /** started, listening and warmed up */
  serving: boolean;
  /** told to drain and exit (WORK-4): its exit is expected */
  retiring: boolean;
  /** the worker this one was started to replace, until it serves */
  replaces?: Worker;
  /** the worker started to replace this one */
  replacedBy?: Worker;
}

/**
 * WORK-3: forks `config.cluster.workers` workers, each running the whole app on the port this
 * process listens on (Node's cluster hands each new connection to the next worker), and
 * keeps that many serving:
 *
 * - the first worker starts alone (`first`, forked before the settings were read, when
 *   main.ts did), and the others once it serves, so that the first answer comes as soon as
 *   one process can give it;
 * - a worker that dies is restarted, after a delay that doubles with each death of the last
 *   minute; when workers die in a loop (a bad deploy, a dependency down at start), the
 *   primary gives up and exits 1 rather than restart forever;
 * - WORK-4: a worker that asks to be replaced (requests served, memory) keeps serving until
 *   its replacement serves, then drains and exits: capacity never drops, no request fails;
 * - on SIGTERM or SIGINT every worker drains as a single process would, then the primary
 *   exits 0 (1 if a worker did not close cleanly). A second signal kills them at once.
 */
export function superviseWorkers(config: Config, logger: Logger, first?: FirstWorker): void {
  const { workers: count } = config.cluster;
  const states = new Map<Worker, WorkerState>();
  const deaths: number[] = [];
  const crashLoopDeaths = Math.max(5, 2 * count);
  const restarts = new Set<NodeJS.Timeout>();
  /** at shutdown, the workers that still listen: none closes a connection before all stop */
  const listening = new Set<Worker>();
  let stopping = false;
  /** the workers forked once the first serves */
  let forkOnceServing = count - 1;
  let exitCode = 0;

  const tell = (worker: Worker, message: ClusterMessage) => {
    // a worker on its way out may have closed its channel already
    if (worker.isConnected()) worker.send(message, () => undefined);
  };

  const watch = (worker: Worker, replaces?: Worker) => {
    logger.info({ worker: worker.process.pid }, 'worker started');
    const replaced = replaces && states.get(replaces);
    states.set(worker, {
      serving: false,
      retiring: false,
      replaces: replaced ? replaces : undefined,
    });
    if (replaced) replaced.replacedBy = worker;
    const receive = (message: unknown) => {
      if (isClusterMessage(message)) onMessage(worker, message);
    };
    worker.on('message', receive);
    return receive;
  };

  const fork = (replaces?: Worker) => {
    watch(cluster.fork(), replaces);
  };

  const onMessage = (worker: Worker, message: ClusterMessage) => {
    const state = states.get(worker);
    if (!state) return;
    const pid = worker.process.pid;
    if (message.type === 'serving') {
      state.serving = true;
      const old = state.replaces && states.get(state.replaces);
      if (state.replaces && old) {
        logger.info(
          { worker: pid, replaces: state.replaces.process.pid },
          'worker serving, the one it replaces drains',
        );
        old.retiring = true;
        tell(state.replaces, { type: 'retire' });
      } else {
        logger.info({ worker: pid }, 'worker serving');
      }
      state.replaces = undefined;
      if (stopping) shutDown(worker);
      else for (; forkOnceServing > 0; forkOnceServing--) fork();
    } else if (message.type === 'stopped-listening') {
      stoppedListening(worker);
    } else if (message.type === 'replace-me') {
      if (stopping || state.retiring || state.replacedBy) return;
      logger.info(
        { worker: pid, reason: message.reason },
        'worker to be replaced: starting its replacement',
      );
      fork(worker);
    }
  };

  const onExit = (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
    const state = states.get(worker);
    states.delete(worker);
    if (!state) return;
    const pid = worker.process.pid;
    if (stopping) {
      stoppedListening(worker);
      // one still starting was stopped with a signal: it had nothing to drain
      if (state.serving && code !== 0) exitCode = 1;
      logger.info({ worker: pid, code, signal }, 'worker exited');
      if (states.size === 0) process.exit(exitCode);
      return;
    }
    if (state.retiring && code === 0) {
      logger.info({ worker: pid }, 'worker replaced and exited');
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while ((deaths[0] ?? now) < now - deathWindowMs) deaths.shift();
    logger.error({ worker: pid, code, signal }, 'worker died');
    if (deaths.length >= crashLoopDeaths) {
      const last = signal ? `signal ${signal}` : `exit code ${code}`;
      logger.fatal(
        `workers keep dying: ${deaths.length} died within ${deathWindowMs / 1000} s (the last: ${last}); giving up`,
      );
      stop(1);
      return;
    }
    // a worker that was waiting for its replacement: that one is on its way
    if (state.replacedBy && states.has(state.replacedBy)) return;
    const delayMs = Math.min(firstRestartDelayMs * 2 ** (deaths.length - 1), maxRestartDelayMs);
    const restart = setTimeout(() => {
      restarts.delete(restart);
      // a replacement that died before serving: the next one takes over its task
      fork(state.replaces);
    }, delayMs);
    restarts.add(restart);
  };

  cluster.on('exit', onExit);

  function shutDown(worker: Worker) {
    listening.add(worker);
    tell(worker, { type: 'shutdown' });
  }

  /**
   * Once no worker listens, new connections are refused by the system and none waits in this
   * process to be handed over: only then may the workers close their connections, whose
   * clients reconnect (and are refused, or go to another instance).
   */
  function stoppedListening(worker: Worker) {
    if (!listening.delete(worker) || listening.size > 0) return;
    for (const other of states.keys()) tell(other, { type: 'drain' });
  }

  function stop(code: number) {
    stopping = true;
    exitCode = Math.max(exitCode, code);
    for (const restart of restarts) clearTimeout(restart);
    if (states.size === 0) process.exit(exitCode);
    for (const [worker, state] of states) {
      // a worker still starting has nothing to drain
      if (state.serving) shutDown(worker);
      else worker.process.kill('SIGTERM');
    }
    // each worker bounds its own shutdown by SHUTDOWN_TIMEOUT_MS; this is for one that hangs
    setTimeout(() => {
      logger.error('workers still running past SHUTDOWN_TIMEOUT_MS: killing them');
      for (const worker of states.keys()) worker.process.kill('SIGKILL');
      exitCode = 1;
    }, config.shutdownTimeoutMs + 1000).unref();
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (!stopping) {
        logger.info(
          { signal, workers: states.size },
          'closing: every worker drains, then the primary exits',
        );
        stop(0);
        return;
      }
      logger.error({ signal }, 'second signal: killing the workers');
      for (const worker of states.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    });
  }

  logger.info({ workers: count }, 'primary: starting the workers');
  // the first worker starts alone, the others once it serves: loading together they share the
  // cores, and the first answer came 35-55 ms later (bench:startup); full capacity comes one
  // worker's start later instead
  if (first) {
    const { worker } = first;
    first.adopt(watch(worker), (code, signal) => onExit(worker, code, signal));
  } else {
    fork();
  }
}
