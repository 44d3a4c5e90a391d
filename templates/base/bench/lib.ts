import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { freePort, untilAnswering } from '../test/net.js';

// RUN-5: every figure comes from this run, on this machine, side by side: compare rows of one
// table, never figures from different runs.

export const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
export const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);

export interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** the requests answered */
  requests: number;
  /** the server's CPU time (user + system) per request, in µs, where the system tells it */
  cpuUs?: number;
  /** the row it is compared with, by scenario name */
  versus?: string;
}

export interface Booted {
  url: string;
  /** the server's process */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The CPU time a process has used (user + system), in seconds, from /proc on Linux; undefined
 * elsewhere. Per request, it moves much less with the rest of the machine than req/s does.
 */
export function cpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // the fields after the command name, which is in parentheses and may hold spaces; utime and
  // stime are in clock ticks, 100 a second on Linux
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function boot(command: string, args: string[], env: Record<string, string>): Promise<Booted> {
  const port = await freePort();
  const child = spawn(command, args, {
    // no load balancer to wait for at shutdown (SHUTDOWN_DELAY_MS)
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY_MS: '0',
      // one process unless a row asks for workers (WORK-3)
      WEB_CONCURRENCY: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  await untilAnswering(`${url}/health`, child, { timeoutMs: 60_000 });
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The built app (`npm run build` first), with these settings on top of the defaults, and these
 * flags for node (`--import` a preload, `--cpu-prof`)
 */
export const bootApp = (
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<Booted> => boot('node', [...nodeFlags, 'dist/main.js'], env);

/** a bare node:http server that sends these bytes with these headers: the floor to compare with */
export const bootBare = (body: Buffer, headers: Record<string, string>): Promise<Booted> =>
  boot('node', ['--import', 'tsx', 'bench/bare-server.ts'], {
    BARE_BODY: body.toString('base64'),
    BARE_HEADERS: JSON.stringify(headers),
  });

/** loads one URL; a figure counts only if every answer had the expected class of status */
export async function measure(
  scenario: string,
  options: autocannon.Options,
  expected: '2xx' | '3xx' = '2xx',
): Promise<Row> {
  const result = await autocannon({ connections, duration: seconds, ...options });
  const answered = result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  if (result.errors > 0 || result[expected] !== answered) {
    throw new Error(
      `${scenario}: ${answered - result[expected]} answers were not ${expected}, ${result.errors} errors`,
    );
  }
  const row: Row = {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: answered,
  };
  // a run takes minutes: each row says it is done as it comes, on stderr, and the table
  // follows on stdout at the end
  process.stderr.write(`bench: ${scenario} ... ${row.requestsPerSecond} req/s\n`);
  return row;
}

/** what a row's request costs the server beyond its base row's, in CPU time */
function addedCpu(row: Row, base: Row | undefined): string {
  if (row.cpuUs === undefined || base?.cpuUs === undefined) return '';
  const added = row.cpuUs - base.cpuUs;
  return `, ${added >= 0 ? '+' : ''}${added.toFixed(0)} µs CPU a request (${row.cpuUs.toFixed(0)} vs ${base.cpuUs.toFixed(0)})`;
}

export function printTable(rows: Row[]): void {
  const byName = new Map(rows.map((row) => [row.scenario, row]));
  const width = Math.max(...rows.map((row) => row.scenario.length), 8);
  console.log(`\n${connections} connections, ${seconds} s a row, LOG_LEVEL=warn\n`);
  console.log(
    `${'scenario'.padEnd(width)}  ${'req/s'.padStart(9)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  compared`,
  );
  for (const row of rows) {
    const base = row.versus ? byName.get(row.versus) : undefined;
    const ratio = base
      ? `${(row.requestsPerSecond / base.requestsPerSecond).toFixed(2)}x ${base.scenario}`
      : '';
    console.log(
      `${row.scenario.padEnd(width)}  ${String(row.requestsPerSecond).padStart(9)}  ${String(row.p50).padStart(7)}  ${String(row.p99).padStart(7)}  ${ratio}${addedCpu(row, base)}`,
    );
  }
}
