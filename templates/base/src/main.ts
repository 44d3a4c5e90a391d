// first: what is compiled after it is cached for the next start
import './perf/compile-cache.js';
import cluster from 'node:cluster';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './perf/logger.js';
import { closeOnExit } from './perf/shutdown.js';
import type { RunningServer } from './server.js';
import { isClusterPrimary } from './settings/cluster.js';

const config = loadConfigOrExit();
const logger = createLogger(config);

if (isClusterPrimary(config.cluster)) {
  // WORK-3: this process forks the workers, each of which runs this file and serves, and
  // watches them; it never loads the app, opens a pool or connects to anything
  const { superviseWorkers } = await import('./perf/cluster/primary.js');
  superviseWorkers(config, logger);
} else {
  const { ListenError, startServer } = await import('./server.js');
  const starting = startServer(config, logger);
  // RUN-2: a SIGTERM is taken from here on, also while the server warms up (/health already
  // answers then): the shutdown waits for the start to end, then closes what it opened
  const closeNow = closeOnExit(async (delayMs) => (await starting).close(delayMs), {
    timeoutMs: config.shutdownTimeoutMs,
    logger,
  });
  let server: RunningServer;
  try {
    server = await starting;
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  logger.info({ url: server.url }, 'server listening');
  if (cluster.isWorker) {
    const { serveAsWorker } = await import('./perf/cluster/worker.js');
    serveAsWorker(server, config.cluster, logger, closeNow);
  }
}
