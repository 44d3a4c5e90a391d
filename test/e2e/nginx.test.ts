// COMP-5, STREAM-5: the generated nginx.conf, checked by nginx itself (`nginx -t`), then nginx
// booted on loopback in front of the app: downloads handed over with X-Accel-Redirect, gzip at
// the proxy, precompressed siblings with gzip_static / brotli_static.

import { execa } from 'execa';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { appDir, boot } from '../helpers/e2e.js';
import { nginxInFront } from '../helpers/nginx.js';
import { onePer, optionSets } from './sets.js';

const behindNginx = optionSets.filter((set) => set.answers.proxy === 'nginx');
// downloads through nginx, once per framework
const withDownloads = onePer(
  behindNginx.filter((set) => set.answers.streaming),
  ({ framework }) => framework,
);

describe.each(behindNginx)('$id', (set) => {
  it('COMP-5: nginx -t accepts the generated nginx.conf', async () => {
    const dir = appDir(set);
    await mkdir(join(dir, '.nginx'), { recursive: true });
    const check = await execa('nginx', ['-t', '-p', dir, '-c', 'nginx.conf', '-e', 'stderr'], {
      reject: false,
      all: true,
    });
    expect(check.exitCode, check.all).toBe(0);
    expect(check.all).toMatch(/test is successful/);
  });
});

describe.each(withDownloads)('$id behind nginx', (set) => {
  it('STREAM-5, COMP-5: nginx on loopback sends downloads the app hands over, compressed at the proxy', async () => {
    const dir = appDir(set);
    const app = await boot(dir, { LOG_LEVEL: 'warn' });
    const proxy = await nginxInFront(dir, [Number(new URL(app.url).port)]);
    try {
      // the app made ./files with its samples at start: nginx serves them from its alias
      const sample = await readFile(join(dir, 'files', 'sample.bin'));
      const download = await fetch(`${proxy.url}/files/sample.bin`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer())).toEqual(sample);
      // the transfer is nginx's: its own validators and ranges, never the app's header
      expect(download.headers.get('x-accel-redirect')).toBeNull();
      const range = await fetch(`${proxy.url}/files/sample.bin`, {
        headers: { range: 'bytes=10-19' },
      });
      expect(range.status).toBe(206);
      expect(Buffer.from(await range.arrayBuffer())).toEqual(sample.subarray(10, 20));

      // the app still checks every name before nginx sends anything
      expect((await fetch(`${proxy.url}/files/..%2f..%2fnginx.conf`)).status).toBe(400);
      expect((await fetch(`${proxy.url}/files/missing.bin`)).status).toBe(404);

      if (set.answers.compression !== 'none') {
        const json = await readFile(join(dir, 'files', 'catalog.json'));
        const gz = await rawGet(`${proxy.url}/files/catalog.json`, { 'accept-encoding': 'gzip' });
        expect(gz.headers['content-encoding']).toBe('gzip');
        expect(gunzipSync(gz.body)).toEqual(json);
      }
      if (set.answers.compression === 'br') {
        // `npm run build` made the asset's siblings; brotli_static sends the .br one
        const css = await readFile(join(dir, 'public', 'app.7c3aca3f.css'));
        const br = await rawGet(`${proxy.url}/assets/app.7c3aca3f.css`, {
          'accept-encoding': 'br',
        });
        expect(br.headers['content-encoding']).toBe('br');
        expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(brotliDecompressSync(br.body)).toEqual(css);
      }
    } finally {
      await proxy.stop();
      app.process.kill('SIGTERM');
      await app.process;
    }
  });
});

// fetch would decode the body itself; this keeps the bytes as sent
async function rawGet(url: string, headers: Record<string, string>) {
  const { request } = await import('node:http');
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
