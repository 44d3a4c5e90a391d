// COMP-4 across a real process: a cached answer's compressed form is made once and sent byte
// for byte on every hit, and `npm run bench` puts hit throughput with and without
// Accept-Encoding side by side.

import { execa } from 'execa';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appDir, boot } from '../helpers/e2e.js';
import { optionSets } from './sets.js';

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
