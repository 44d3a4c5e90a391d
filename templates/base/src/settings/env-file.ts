import { existsSync } from 'node:fs';

let loaded = false;

/**
 * RUN-3: the settings of `.env` under those of the environment, which win (the file never
 * replaces a variable already set). Read once per process, by whichever comes first: the
 * tracing preload, the cluster's first fork (main.ts) or the settings themselves.
 */
export function loadEnvFile(): void {
  if (loaded) return;
  loaded = true;
  if (existsSync('.env')) process.loadEnvFile('.env');
}
