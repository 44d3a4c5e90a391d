import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { timed } from '../server-timing.js';
import { withClientSpan, type ClientSpan, type SpanAttributes } from '../spans.js';
import { startEmbedded } from './embedded.js';

export interface QueryOptions {
  /**
   * POOL-2: the statement may safely run twice (a read, or a write that ends the same however
   * often it runs). When its connection turns out to be dead, it runs once more on another.
   */
  idempotent?: boolean;
}

// SQLSTATEs and socket errors that say the connection is gone, not that the statement failed
const lostCodes = new Set(['57P01', '57P02', '08000', '08003', '08006', 'ECONNRESET', 'EPIPE']);
// ...and those that say no connection can be had right now
const unreachableCodes = new Set([
  '57P03',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
]);

const codeOf = (error: unknown) =>
  error instanceof Error ? (error as Error & { code?: string }).code : undefined;

export function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) return lostCodes.has(code);
  return error instanceof Error && /Connection terminated unexpectedly/.test(error.message);
}

/** an error a route answers with 503: the database is away, or every connection stayed busy */
export function isUnavailable(error: unknown): boolean {
  if (isConnectionLost(error)) return true;
  const code = codeOf(error);
  if (code !== undefined) return unreachableCodes.has(code);
  // pg-pool's wait for a free connection, and pg's own connect timeout
  return (
    error instanceof Error &&
    /timeout exceeded when trying to connect|connection timeout/i.test(error.message)
  );
}

/** the instrumentation scope of the queries' spans (the project's tracing test looks for `pg`) */
const queryScope = 'pg';

/**
 * POOL-1: the app's one pool. Every query goes through `query`, which times it for the
 * slow-query log (POOL-3) and the Server-Timing header, runs an idempotent statement once
 * more when its connection was dead (POOL-2), and, in a traced project, shows it in the
 * request's trace (OBS-2: a span for the query, retries included, made only when the trace is
 * kept; the pool itself is not instrumented).
 */
export class Database {
  #answeredAt = 0;
  /** the server's part of a query's attributes, once a query's span is first made */
  #server: SpanAttributes | undefined;

  constructor(
    readonly pool: pg.Pool,
    private readonly slowQueryMs: number,
    private readonly logger: Logger,
    private readonly closeEmbedded: () => Promise<void>,
  ) {}

  /** `values` travel apart from the text, as parameters: never spliced in, never logged */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    { idempotent = false }: QueryOptions = {},
  ): Promise<pg.QueryResult<R>> {
    const started = performance.now();
    try {
      const result = await timed('db', () =>
        withClientSpan(
          queryScope,
          () => this.#span(text),
          () => this.#run<R>(text, values, idempotent),
        ),
      );
      this.#answeredAt = Date.now();
      return result;
    } finally {
      this.#logIfSlow(text, performance.now() - started);
    }
  }

  /**
   * POOL-2, for /ready: the database answers. A query answered within the last second counts,
   * so that a pool busy with real work is not reported down for want of a free connection.
   */
  async check(): Promise<void> {
    if (Date.now() - this.#answeredAt < 1000) return;
    await this.pool.query('SELECT 1');
    this.#answeredAt = Date.now();
  }

  async close(): Promise<void> {
    await this.pool.end();
    await this.closeEmbedded();
  }

  async #run<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
    idempotent: boolean,
  ): Promise<pg.QueryResult<R>> {
    // after a failover or a restart every idle connection may be dead, and the pool hears of
    // it only when it reads from them: each dead one is thrown away, so an idempotent query
    // tries at most as many as the pool holds, then one new connection
    const attempts = idempotent ? (this.pool.options.max ?? 10) + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pool.query<R>(text, values);
      } catch (error) {
        if (attempt >= attempts || !isConnectionLost(error)) throw error;
        this.logger.warn({ err: error }, 'db: connection lost during a query; running it again');
      }
    }
  }

  // the text has $1-style placeholders where the values go: it is recorded, never the values
  #span(text: string): ClientSpan {
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    const server = (this.#server ??= serverAttributes(this.pool.options.connectionString));
    const namespace = server['db.namespace'];
    return {
      name: typeof namespace === 'string' ? `${operation} ${namespace}` : operation,
      attributes: { ...server, 'db.operation.name': operation, 'db.query.text': text },
    };
  }

  // POOL-3: the text has $1-style placeholders where the values go, so none can leak here
  #logIfSlow(text: string, ms: number): void {
    if (ms < this.slowQueryMs) return;
    const sql = text.replace(/\s+/g, ' ').trim();
    this.logger.warn({ durationMs: Math.round(ms), sql }, 'db: slow query');
  }
}

/** what the semantic conventions record of a PostgreSQL server: never its user or password */
function serverAttributes(url: string | undefined): SpanAttributes {
  const attributes: SpanAttributes = { 'db.system.name': 'postgresql' };
  if (!url || !URL.canParse(url)) return attributes;
  const { hostname, port, pathname } = new URL(url);
  if (hostname) attributes['server.address'] = hostname.replace(/^\[|\]$/g, '');
  attributes['server.port'] = Number(port || 5432);
  if (pathname.length > 1) attributes['db.namespace'] = decodeURIComponent(pathname.slice(1));
  return attributes;
}

/** the pool, on DATABASE_URL, or on an embedded Postgres when it is unset (POOL-4) */
export async function openDatabase(config: Config['db'], logger: Logger): Promise<Database> {
  const embedded = config.url
    ? undefined
    : await startEmbedded(config.embeddedDir, config.pool.max, logger);
  const { statementTimeoutMs } = config.pool;
  const pool = new pg.Pool({
    connectionString: config.url ?? embedded?.url,
    // names the connections in pg_stat_activity; an application_name in the URL wins
    application_name: config.applicationName,
    max: config.pool.max,
    connectionTimeoutMillis: config.pool.connectTimeoutMs,
    idleTimeoutMillis: config.pool.idleTimeoutMs,
    maxLifetimeSeconds: config.pool.maxLifetimeSeconds,
    statement_timeout: statementTimeoutMs || false,
    // the client's own bound, for a server that stops answering altogether (a network cut)
    query_timeout: statementTimeoutMs ? statementTimeoutMs + 1000 : undefined,
    // finds dead peers on idle connections, and keeps NAT and firewalls from dropping them
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // an idle connection closed by the server (a restart, a failover, pg_terminate_backend) is
  // reported here, after the pool has dropped it; with no listener it would crash the process
  pool.on('error', (error) => {
    logger.warn({ err: error }, 'db: the server closed an idle connection; the pool dropped it');
  });
  const database = new Database(pool, config.slowQueryMs, logger, async () => embedded?.close());
  try {
    await database.check();
  } catch (error) {
    // the app cannot start without its database: say where it looked, without the password
    logger.fatal({ err: error, database: redact(config.url) }, 'db: no answer at start');
    await database.close();
    throw error;
  }
  return database;
}

function redact(url: string | undefined): string {
  if (!url) return 'the embedded Postgres';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
