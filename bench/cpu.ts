/**
 * npm run bench:cpu -- DIR_A DIR_B [PATH] [HEADER: value ...]: what one request costs the
 * server, in CPU time, in two builds of a generated app side by side (before and after a
 * change to a hot path).
 *
 * Requests per second move with everything else the machine does (±30% between two runs of
 * the same server here); the server's own CPU time per request moves much less. Both apps run
 * at once, each pinned to the same CPU (BENCH_SERVER_CPU, default 0), and wrk (pinned to
 * BENCH_LOAD_CPU, default 1) loads them in turn, in short bursts (BENCH_SECONDS, default 1),
 * BENCH_ROUNDS times (default 15), A then B then B then A, so that drift falls on both alike.
 * For each burst it reads the server's utime + stime from /proc/PID/stat before and after, and
 * divides by the requests wrk counted. It prints the median µs per request of each, their
 * ratio, and the requests per second of each as a side note.
 *
 * Each DIR is an installed, built app (`npm run build`); it starts as `npm start` does, with
 * `node dist/main.js`, LOG_LEVEL=warn and a cache that does not expire. wrk must be on PATH
 * (apt-get install wrk). Every answer must have the same status as the first one, else the
 * run fails: a route that started failing would look cheap.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitUntilAnswering } from '../test/helpers/net.js';
import { cpuSeconds, median } from './stats.js';

const [dirA, dirB, path = '/api/catalog?page=1', ...headerArgs] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: npm run bench:cpu -- DIR_A DIR_B [PATH] ["Header: value" ...]');
  process.exit(1);
}
const seconds = Number(process.env['BENCH_SECONDS'] ?? 1);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 15);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const serverCpu = process.env['BENCH_SERVER_CPU'] ?? '0';
const loadCpu = process.env['BENCH_LOAD_CPU'] ?? '1';
const wrkScript = fileURLToPath(new URL('wrk-statuses.lua', import.meta.url));
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

async function startApp(dir: string): Promise<{ url: string; pid: number }> {
  const port = await freePort();
  const child = spawn(
    'taskset',
    ['-c', serverCpu, process.execPath, '--enable-source-maps', 'dist/main.js'],
    {
      cwd: resolve(dir),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SHUTDOWN_DELAY_MS: '0',
        CACHE_TTL_SECONDS: '3600',
        ITEM_LOAD_MS: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitUntilAnswering(`${url}/health`))) throw new Error(`${dir} did not start`);
  return { url, pid: child.pid ?? 0 };
}

/** utime + stime of a process, in seconds */

/** one wrk burst; resolves to the requests it made and their statuses */
function burst(url: string, duration: number): { requests: number; statuses: string } {
  const headers = headerArgs.flatMap((header) => ['-H', header]);
  const wrk = spawnSync(
    'taskset',
    ['-c', loadCpu, 'wrk', '-t1', `-c${connections}`, `-d${duration}s`, '-s', wrkScript]
      .concat(headers)
      .concat(`${url}${path}`),
  );
  const line = /wrk-statuses (\{.*\}) requests (\d+)/.exec(wrk.stdout.toString());
  if (!line?.[1]) throw new Error(`wrk failed: ${wrk.stderr.toString()}${wrk.stdout.toString()}`);
  return { requests: Number(line[2]), statuses: line[1] };
}

function measure(app: { url: string; pid: number }): { cpuUs: number; rate: number } {
  const before = cpuSeconds(app.pid);
  const { requests, statuses } = burst(app.url, seconds);
  const used = cpuSeconds(app.pid) - before;
  const counted = Object.keys(JSON.parse(statuses) as Record<string, number>);
  if (counted.length !== 1) throw new Error(`mixed statuses from ${app.url}${path}: ${statuses}`);
  return { cpuUs: (used / requests) * 1e6, rate: requests / seconds };
}

const apps = [await startApp(dirA), await startApp(dirB)] as const;
// warm both: the JIT, and the cache entry (a miss, then hits)
for (const app of apps) burst(app.url, 2);
const results = apps.map(() => ({ cpu: [] as number[], rate: [] as number[] }));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [0, 1] : [1, 0];
  for (const index of order) {
    const app = apps[index];
    const result = results[index];
    if (!app || !result) continue;
    const { cpuUs, rate } = measure(app);
    result.cpu.push(cpuUs);
    result.rate.push(rate);
  }
}
const [a, b] = results.map((result) => ({ cpu: median(result.cpu), rate: median(result.rate) }));
if (a && b) {
  console.log(`GET ${path} ${headerArgs.join(' ')}, ${rounds} rounds of ${seconds} s, medians`);
  console.log(`A ${dirA}: ${a.cpu.toFixed(1)} µs CPU per request, ${Math.round(a.rate)} req/s`);
  console.log(`B ${dirB}: ${b.cpu.toFixed(1)} µs CPU per request, ${Math.round(b.rate)} req/s`);
  console.log(`B/A CPU per request: ${(b.cpu / a.cpu).toFixed(3)}`);
}
for (const child of children) child.kill('SIGTERM');
