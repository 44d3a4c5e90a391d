import { register } from 'node:module';
import { basename } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Config } from '../../config.js';
import { loadEnvFile } from '../../settings/env-file.js';

// OBS-1: loaded with `node --import` before the app (`npm start`, `npm run dev` and the
// Dockerfile do so). Libraries are patched as they load, so this must run before the app
// imports any of them. What it needs is imported only once it knows it traces.

async function startForThisProcess(): Promise<void> {
  // the settings the app will read
  loadEnvFile();

  const { ConfigError, loadConfig } = await import('../../config.js');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    // main.ts reports a bad setting in one line and exits; tracing has nothing to add
    if (error instanceof ConfigError) return;
    throw error;
  }

  // OTEL_SDK_DISABLED=true, the standard switch, turns tracing off without a rebuild
  if (process.env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return;

  // the server's cluster primary serves nothing: each worker it forks loads this file again (the
  // same --import) and traces its own requests (WORK-3). Only the server (main.js) forks; another
  // entry, such as the job worker, is one process whatever WEB_CONCURRENCY says, and traces.
  const { isClusterPrimary } = await import('../../settings/cluster.js');
  const isServer = /^main\.[cm]?[jt]s$/.test(basename(process.argv[1] ?? ''));
  if (isServer && isClusterPrimary(config.cluster)) return;

  // ES modules are patched through a loader hook that wraps only the modules the
  // instrumentations name. On Node.js 22.22.3, 24.11.1, 26 and later it runs in this thread
  // (module.registerHooks); before, on a thread of its own (module.register, deprecated from
  // 26: DEP0205), told of each module over a channel, and the app waits until it knows them all
  const { startTracing } = await import('./sdk.js');
  const hooks = await import('import-in-the-middle/register-hooks.mjs');
  if (hooks.supportsSyncHooks()) {
    hooks.register({ include: startTracing(config.tracing) });
  } else {
    const { createAddHookMessageChannel } = await import('import-in-the-middle');
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
    startTracing(config.tracing);
    await waitForAllMessagesAcknowledged();
  }
  const { serviceName, endpoint, sampler, ratio } = config.tracing;
  const { createLogger } = await import('../logger.js');
  createLogger(config).info(
    { serviceName, endpoint, sampler, ratio },
    'tracing: spans are exported over OTLP/HTTP',
  );
}

// a worker thread (the CPU pool's, WORK-2) inherits this --import: its work is traced in the
// request that handed it over, so the thread starts no SDK of its own and loads nothing for it
if (isMainThread) await startForThisProcess();
