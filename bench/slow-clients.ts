/**
 * node --import tsx bench/slow-clients.ts [APP_DIR ...]: what slow readers of compressed
 * answers cost a generated app, in resident memory and CPU time.
 *
 * For each app (installed and built, `npm run build`; default: every app-* folder of
 * BENCH_APPS_DIR) and each kind of download below, it starts the app afresh, pinned with
 * `taskset -c BENCH_SERVER_CPU` (default 1), then opens BENCH_CLIENTS (default 20) slow
 * readers at once. Each takes BENCH_READ_BYTES (default 4096) a second from a paused
 * response for BENCH_SECONDS (default 10), then leaves. It prints, per kind:
 *
 *   RSS before          the server's resident memory once started and warmed, in MB
 *   peak / after        its highest while the readers are connected, and 3 s after they left
 *   CPU                 the server's utime + stime (/proc/PID/stat) during the readers' window
 *   per client          that CPU, and the growth of RSS (peak - before), divided by the readers
 *   sent                bytes the readers received (the server wrote more: the sockets' buffers)
 *
 * The kinds, on a text file of BENCH_FILE_MB (default 16) of JSON lines that compresses about
 * 4:1, placed in ASSETS_DIR with precompressed siblings (`.br`, `.gz`, as `npm run build`
 * makes them for public/) and in FILES_DIR without, so the app has to compress it itself:
 *
 *   assets identity     GET /assets/big.json, no Accept-Encoding: the raw download, the floor
 *   assets br / gzip    the same with Accept-Encoding: br / gzip: the precompressed sibling
 *   files br / gzip     GET /files/big.json, no sibling: compressed per request
 *   stream br / gzip    GET /api/stream?count=100000: NDJSON compressed as it is written
 *
 * Everything listens and connects on 127.0.0.1. Every process it starts is stopped by its pid.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { freePort, waitUntilAnswering } from '../test/helpers/net.js';
import { cpuSeconds, rssBytes } from './stats.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const clients = env('BENCH_CLIENTS', 20);
const seconds = env('BENCH_SECONDS', 10);
const readBytes = env('BENCH_READ_BYTES', 4096);
const fileMb = env('BENCH_FILE_MB', 16);
const serverCpu = process.env['BENCH_SERVER_CPU'] ?? '1';
const only = process.env['BENCH_KINDS']?.split(',');

const given = process.argv.slice(2);
const appsDir = process.env['BENCH_APPS_DIR'];
const dirs =
  given.length > 0
    ? given
    : appsDir
      ? readdirSync(appsDir)
          .filter((name) => name.startsWith('app-'))
          .map((name) => join(appsDir, name))
      : [];
if (dirs.length === 0) {
  console.error('usage: node --import tsx bench/slow-clients.ts APP_DIR ... (or BENCH_APPS_DIR)');
  process.exit(1);
}

interface Kind {
  name: string;
  path: string;
  acceptEncoding?: string;
}

const kinds: Kind[] = (
  [
    { name: 'assets identity', path: '/assets/big.json' },
    { name: 'assets br', path: '/assets/big.json', acceptEncoding: 'br' },
    { name: 'assets gzip', path: '/assets/big.json', acceptEncoding: 'gzip' },
    { name: 'files br', path: '/files/big.json', acceptEncoding: 'br' },
    { name: 'files gzip', path: '/files/big.json', acceptEncoding: 'gzip' },
    { name: 'stream br', path: '/api/stream?count=100000', acceptEncoding: 'br' },
    { name: 'stream gzip', path: '/api/stream?count=100000', acceptEncoding: 'gzip' },
  ] satisfies Kind[]
).filter((kind) => !only || only.includes(kind.name));

const mb = 1024 * 1024;

// JSON lines of words drawn from a small vocabulary by a fixed generator: about 4:1 for
// gzip, a bit more for brotli, and the same bytes on every run
function textFile(size: number): Buffer {
  const words =
    'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega'.split(
      ' ',
    );
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const lines: string[] = [];
  let length = 0;
  for (let id = 1; length < size; id++) {
    const text = Array.from({ length: 12 }, () => words[next() % words.length]).join(' ');
    const line = `${JSON.stringify({ id, n: next() % 100_000, text })}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join(''));
}

const children = new Set<ChildProcess>();
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

async function startApp(dir: string, filesDir: string, assetsDir: string) {
  const port = await freePort();
  const child = spawn('taskset', ['-c', serverCpu, process.execPath, 'dist/main.js'], {
    cwd: resolve(dir),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SHUTDOWN_DELAY_MS: '0',
      SHED_EVENT_LOOP_DELAY_MS: '0',
      // one process: the figures are the server's, not a cluster primary's
      WEB_CONCURRENCY: '1',
      FILES_DIR: filesDir,
      ASSETS_DIR: assetsDir,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitUntilAnswering(`${url}/health`))) throw new Error(`${dir} did not start`);
  return { url, pid: child.pid ?? 0, child };
}

async function stopApp(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  child.kill('SIGKILL');
  children.delete(child);
}

/** a whole answer, read at full speed: warms the route's code before the measure */
function fetchAll(url: string, acceptEncoding?: string): Promise<number> {
  return new Promise((done, fail) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => done(bytes));
      res.on('error', fail);
    })
      .on('error', fail)
      .end();
  });
}

/**
 * A reader that takes `readBytes` a second: the response stays paused, so once its socket's
 * buffers are full the server has to wait. Resolves to the response's headers once they came.
 */
function slowReader(url: string, acceptEncoding: string | undefined) {
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  let response: IncomingMessage | undefined;
  const headers: Record<string, string> = acceptEncoding
    ? { 'accept-encoding': acceptEncoding }
    : {};
  const req = request(url, { headers, agent: false });
  const started = new Promise<IncomingMessage>((done, fail) => {
    req.on('response', (res) => {
      response = res;
      res.pause();
      timer = setInterval(() => {
        let left = readBytes;
        while (left > 0) {
          const chunk = res.read(Math.min(left, res.readableLength || left)) as Buffer | null;
          if (chunk === null) break;
          received += chunk.length;
          left -= chunk.length;
        }
      }, 1000);
      done(res);
    });
    req.on('error', fail);
  });
  req.end();
  return {
    started,
    received: () => received,
    leave() {
      clearInterval(timer);
      response?.destroy();
      req.destroy();
    },
  };
}

interface Figures {
  before: number;
  peak: number;
  after: number;
  cpu: number;
  sent: number;
  coding: string;
  length: string;
}

async function measure(app: { url: string; pid: number }, kind: Kind): Promise<Figures> {
  // twice at full speed: the JIT, the buffer pools and the route's first use are not the
  // slow readers' cost
  for (let i = 0; i < 2; i++) await fetchAll(`${app.url}${kind.path}`, kind.acceptEncoding);
  await sleep(500);
  const before = rssBytes(app.pid);
  const cpuBefore = cpuSeconds(app.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(app.pid))), 100);
  const readers = Array.from({ length: clients }, () =>
    slowReader(`${app.url}${kind.path}`, kind.acceptEncoding),
  );
  const [first] = await Promise.all(readers.map((reader) => reader.started));
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(app.pid) - cpuBefore;
  const sent = readers.reduce((sum, reader) => sum + reader.received(), 0);
  readers.forEach((reader) => reader.leave());
  await sleep(3000);
  clearInterval(sampler);
  return {
    before,
    peak,
    after: rssBytes(app.pid),
    cpu,
    sent,
    coding: String(first?.headers['content-encoding'] ?? 'identity'),
    length: first?.headers['content-length'] ? 'length' : 'chunked',
  };
}

const folder = await mkdtemp(join(tmpdir(), 'slow-clients-'));
try {
  const filesDir = join(folder, 'files');
  const assetsDir = join(folder, 'assets');
  const body = textFile(fileMb * mb);
  const brotli = zlib.brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 },
  });
  const gzip = zlib.gzipSync(body, { level: 6 });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(filesDir);
  await mkdir(assetsDir);
  await writeFile(join(filesDir, 'big.json'), body);
  await writeFile(join(assetsDir, 'big.json'), body);
  await writeFile(join(assetsDir, 'big.json.br'), brotli);
  await writeFile(join(assetsDir, 'big.json.gz'), gzip);
  console.log(
    `${clients} readers at ${readBytes} B/s for ${seconds} s, server on CPU ${serverCpu}; ` +
      `big.json ${(body.length / mb).toFixed(1)} MB (br ${(brotli.length / mb).toFixed(1)}, ` +
      `gzip ${(gzip.length / mb).toFixed(1)})`,
  );
  for (const dir of dirs) {
    console.log(`\n${dir}`);
    console.log(
      'kind             coding   framing  RSS MB before  peak  after   CPU s  per client: CPU ms  RSS MB   sent KB',
    );
    for (const kind of kinds) {
      const app = await startApp(dir, filesDir, assetsDir);
      try {
        const f = await measure(app, kind);
        const row = [
          kind.name.padEnd(16),
          f.coding.padEnd(8),
          f.length.padEnd(8),
          (f.before / mb).toFixed(0).padStart(13),
          (f.peak / mb).toFixed(0).padStart(5),
          (f.after / mb).toFixed(0).padStart(6),
          f.cpu.toFixed(2).padStart(7),
          ((f.cpu / clients) * 1000).toFixed(0).padStart(19),
          ((f.peak - f.before) / clients / mb).toFixed(2).padStart(7),
          (f.sent / clients / 1024).toFixed(0).padStart(9),
        ];
        console.log(row.join(' '));
      } finally {
        await stopApp(app.child);
      }
    }
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
