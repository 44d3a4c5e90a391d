import type { Env } from '../config.js';

/** STREAM-1..6, HTTP-4 */
export function streamingSettings(e: Env) {
  return {
    filesDir: e.FILES_DIR,
    assetsDir: e.ASSETS_DIR,
    eventIntervalMs: e.EVENTS_INTERVAL_MS,
  };
}
