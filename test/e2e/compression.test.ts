// COMP-4 across a real process: a cached answer's compressed form is made once and sent byte
// for byte on every hit, and `npm run bench` puts hit throughput with and without
// Accept-Encoding side by side. COMP-1, HTTP-4, STREAM-4: what slow readers of compressed
// answers cost the server, in CPU seconds and resident memory (read from /proc/<pid>).

import { execa } from 'execa';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brotliCompressSync, constants, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cpuSeconds, rssBytes } from '../../bench/stats.js';
import { appDir, boot } from '../helpers/e2e.js';
import { onePer, optionSets } from './sets.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

// one set per framework where a cache and compression are both on
const compressedCaches = [
  ...new Map(
    optionSets
      .filter((set) => set.answers.compression !== 'none' && set.answers.cache !== 'none')
      .map((set) => [set.answers.framework, set]),
  ).values(),
];

// fetch would decode the body itself; this keeps the bytes as sent
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe.each(compressedCaches)('$id', (set) => {
  it('COMP-4: every hit sends the gzip form stored at fill, byte for byte', async () => {
    const app = await boot(appDir(set), {
      ITEM_LOAD_MS: '0',
      REDIS_URL: redisUrl,
      CACHE_PREFIX: `e2e-${randomUUID()}`,
      LOG_LEVEL: 'warn',
    });
    try {
      const url = `${app.url}/api/catalog?page=3`;
      const miss = await rawGet(url, { 'accept-encoding': 'gzip' });
      const hits = await Promise.all(
        Array.from({ length: 20 }, () => rawGet(url, { 'accept-encoding': 'gzip' })),
      );
      expect(miss.headers['x-cache']).toBe('MISS');
      expect(miss.headers['content-encoding']).toBe('gzip');
      for (const hit of hits) {
        expect(hit.headers['x-cache']).toBe('HIT');
        expect(hit.body.equals(miss.body)).toBe(true);
      }
      const page = JSON.parse(gunzipSync(miss.body).toString()) as { page: number };
      expect(page.page).toBe(3);
    } finally {
      app.process.kill('SIGTERM');
      await app.process;
    }
  });
});

describe.each(compressedCaches.slice(0, 1))('$id', (set) => {
  it('COMP-4, RUN-5: npm run bench prints catalog hits plain and compressed side by side', async () => {
    const result = await execa('npm', ['run', 'bench'], {
      cwd: appDir(set),
      env: { BENCH_SECONDS: '1', BENCH_CONNECTIONS: '10', REDIS_URL: redisUrl },
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    for (const row of [
      'catalog hit, no Accept-Encoding',
      'catalog hit, Accept-Encoding: br',
      'catalog hit, Accept-Encoding: gzip',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^${row}\\s+\\d+\\s+\\d+\\s+\\d+`, 'm'));
    }
    expect(result.stdout).toMatch(/x catalog hit, no Accept-Encoding/);
    console.log(result.stdout);
  });
});

// one set per framework with downloads, streams and compression
const compressedStreams = onePer(
  optionSets.filter((set) => set.answers.streaming && set.answers.compression !== 'none'),
  ({ framework }) => framework,
);

const mb = 1024 * 1024;

// 16 MB of JSON lines that compress about 4:1, the same on every run
function textFile(size: number): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota'];
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

/** readers that take nothing once the answer's headers came: the server waits on them */
async function pausedReaders(url: string, count: number) {
  const requests = Array.from({ length: count }, () => {
    const req = request(url, { headers: { 'accept-encoding': 'br' }, agent: false });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.on('response', (res) => {
        res.pause();
        resolve(res);
      });
      req.on('error', reject);
    });
    req.end();
    return { req, response };
  });
  const responses = await Promise.all(requests.map(({ response }) => response));
  return { responses, leave: () => requests.forEach(({ req }) => req.destroy()) };
}

describe.each(compressedStreams)('$id', (set) => {
  // what ten readers that stop reading cost, measured over a few seconds
  async function slowReaders(path: string, env: Record<string, string>, seconds = 6) {
    const app = await boot(appDir(set), {
      ...env,
      LOG_LEVEL: 'warn',
      COMPRESS_IN_APP: 'true',
      COMPRESSION_CODINGS: 'br,gzip',
      SHED_EVENT_LOOP_DELAY_MS: '0',
    });
    const pid = app.process.pid ?? 0;
    try {
      // a first whole answer: the route's code and Node's pools are warm, not the readers' cost
      await rawGet(`${app.url}${path}`, { 'accept-encoding': 'br' });
      const rss = rssBytes(pid);
      const cpu = cpuSeconds(pid);
      let peak = rss;
      const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 100);
      const readers = await pausedReaders(`${app.url}${path}`, 10);
      await sleep(seconds * 1000);
      clearInterval(sampler);
      const used = cpuSeconds(pid) - cpu;
      readers.leave();
      return { headers: readers.responses.map((res) => res.headers), used, grown: peak - rss };
    } finally {
      app.process.kill('SIGTERM');
      await app.process;
    }
  }

  it('HTTP-4, COMP-1: paused br readers of a large file hold its stored sibling or a small window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-slow-'));
    try {
      const body = textFile(16 * mb);
      const sibling = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
      await mkdir(join(dir, 'files'));
      await mkdir(join(dir, 'assets'));
      await writeFile(join(dir, 'files', 'big.json'), body);
      await writeFile(join(dir, 'assets', 'big.json'), body);
      await writeFile(join(dir, 'assets', 'big.json.br'), sibling);
      const env = { FILES_DIR: join(dir, 'files'), ASSETS_DIR: join(dir, 'assets') };

      // the sibling: sent as stored, with its length, and nothing compressed per reader
      const stored = await slowReaders('/assets/big.json', env);
      for (const headers of stored.headers) {
        expect(headers['content-encoding']).toBe('br');
        expect(headers['content-length']).toBe(String(sibling.byteLength));
        expect(headers['transfer-encoding']).toBeUndefined();
      }
      expect(stored.used, `${stored.used} CPU seconds`).toBeLessThan(1.5);

      // no sibling: compressed per reader. Brotli's default 4 MB window gave each compressor
      // up to 8 MB: 10 readers grew the server by 80 to 90 MB, now by 15 to 35
      const compressed = await slowReaders('/files/big.json', env);
      expect(compressed.headers[0]?.['content-encoding']).toBe('br');
      expect(compressed.grown, `${(compressed.grown / mb).toFixed(1)} MB`).toBeLessThan(55 * mb);
      console.log(
        `${set.id}: 10 paused br readers, sibling ${stored.used.toFixed(2)} CPU s; ` +
          `per request ${compressed.used.toFixed(2)} CPU s, RSS +${(compressed.grown / mb).toFixed(1)} MB`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('STREAM-4: ten paused br readers of NDJSON streams cost a few CPU seconds, not a core', async () => {
    // each stream is 20 MB that compresses so well that the socket buffers take all of it: a
    // line a write (a flush each) kept a core busy for the whole window (5.5 CPU s in 6 s);
    // in 16 KB chunks the ten streams are made and compressed in 1.5 to 2.7 s in all
    const { headers, used } = await slowReaders('/api/stream?count=100000', {}, 10);
    expect(headers[0]?.['content-encoding']).toBe('br');
    expect(used, `${used} CPU seconds`).toBeLessThan(5);
    console.log(`${set.id}: 10 paused br readers of /api/stream, ${used.toFixed(2)} CPU s in 10 s`);
  });
});
