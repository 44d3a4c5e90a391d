import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { basename } from 'node:path';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { isClusterPrimary } from '../../settings/cluster.js';
import { createLogger } from '../logger.js';
import { startTracing } from './sdk.js';

// OBS-1: loaded with `node --import` before the app (`npm start`, `npm run dev` and the
// Dockerfile do so). Libraries are patched as they load, so this must run before the app
// imports any of them.

// the settings the app will read: .env first, then the environment
if (existsSync('.env')) process.loadEnvFile('.env');

let config: Config | undefined;
try {
  config = loadConfig();
} catch (error) {
  // main.ts reports a bad setting in one line and exits; tracing has nothing to add
  if (!(error instanceof ConfigError)) throw error;
}

// OTEL_SDK_DISABLED=true, the standard switch, turns tracing off without a rebuild
const disabled = process.env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true';

// the server's cluster primary serves nothing: each worker it forks loads this file again (the
// same --import) and traces its own requests (WORK-3). Only the server (main.js) forks; another
// entry, such as the job worker, is one process whatever WEB_CONCURRENCY says, and traces.
const isServer = /^main\.[cm]?[jt]s$/.test(basename(process.argv[1] ?? ''));
const forksWorkers = config && isServer && isClusterPrimary(config.cluster);

if (config && !disabled && !forksWorkers) {
  // ES modules are patched through a loader hook; it wraps only the modules the
  // instrumentations name, and the app waits until the hook knows every one of them
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  startTracing(config.tracing);
  await waitForAllMessagesAcknowledged();
  const { serviceName, endpoint, sampler, ratio } = config.tracing;
  createLogger(config).info(
    { serviceName, endpoint, sampler, ratio },
    'tracing: spans are exported over OTLP/HTTP',
  );
}
