import * as v from 'valibot';
import type { Env } from '../config.js';

const postgresUrlError = 'takes a postgres:// URL';
export const postgresUrl = v.pipe(
  v.string(),
  v.regex(/^postgres(ql)?:\/\//, postgresUrlError),
  v.url(postgresUrlError),
);

/** POOL-1..4; `appName` names the app's sessions in pg_stat_activity */
export function dbSettings(e: Env, appName: string) {
  return {
    url: e.DATABASE_URL,
    embeddedDir: e.PGLITE_DIR,
    applicationName: appName,
    pool: {
      max: e.DB_POOL_MAX,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      idleTimeoutMs: e.DB_IDLE_TIMEOUT_MS,
      maxLifetimeSeconds: e.DB_MAX_LIFETIME_SECONDS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    },
    slowQueryMs: e.DB_SLOW_QUERY_MS,
  };
}
