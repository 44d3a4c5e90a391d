// first: what is compiled after it is cached for the next start
import './perf/compile-cache.js';
import cluster from 'node:cluster';
import { forkFirstWorker } from './perf/cluster/first-worker.js';
import type { RunningServer } from './server.js';
import { isClusterPrimary } from './settings/cluster.js';

// WORK-3: a cluster's first worker starts loading before the primary loads its settings; the
// rest is imported once it has (a static import would be loaded before this line runs)
const firstWorker = forkFirstWorker();
const [{ loadConfigOrExit }, { createLogger }] = await Promise.all([
  import('./config.js'),
  import('./perf/logger.js'),
]);

const config = loadConfigOrExit();
const logger = createLogger(config);

if (isClusterPrimary(config.cluster)) {
  // WORK-3: this process forks the workers, each of which runs this file and serves, and
  // watches them; it never loads the app, opens a pool or connects to anything
  const { superviseWorkers } = await import('./perf/cluster/primary.js');
  superviseWorkers(config, logger, firstWorker);
} else {
  const [{ ListenError, startServer }, { closeOnExit }] = await Promise.all([
    import('./server.js'),
    import('./perf/shutdown.js'),
  ]);
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
