import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './perf/logger.js';
import { closeOnExit } from './perf/shutdown.js';
import { ListenError, startServer, type RunningServer } from './server.js';

// settings already in the environment win over the ones in .env
if (existsSync('.env')) process.loadEnvFile('.env');

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config);
let server: RunningServer;
try {
  server = await startServer(config, logger);
} catch (error) {
  if (!(error instanceof ListenError)) throw error;
  console.error(error.message);
  process.exit(1);
}
closeOnExit(server.close, { timeoutMs: config.shutdownTimeoutMs, logger });
logger.info({ url: server.url }, 'server listening');
