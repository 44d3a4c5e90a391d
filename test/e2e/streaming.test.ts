// STREAM-1 across a real process: a 200 MB download keeps the server's memory flat, and a
// client that leaves mid-file leaves no open file behind (read from /proc/<pid>).

import { mkdtemp, readdir, readFile, readlink, rm, truncate, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir, boot, type BootedApp } from '../helpers/e2e.js';
import { onePer, optionSets } from './sets.js';

const mb = 1024 * 1024;

// one set per framework with streaming on
const streamingSets = onePer(
  optionSets.filter((set) => set.answers.streaming),
  ({ framework }) => framework,
);

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return Number(kb) * 1024;
}

/** the files the process has open under `dir` */
async function openFilesUnder(pid: number, dir: string): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(dir));
}

async function stop(app: BootedApp): Promise<void> {
  app.process.kill('SIGTERM');
  await app.process;
}

describe.each(streamingSets)('$id', (set) => {
  it('STREAM-1: a 200 MB download grows the resident memory by less than 50 MB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-big-'));
    // a sparse file: 200 MB to read, no disk to fill
    await writeFile(join(dir, 'big.bin'), '');
    await truncate(join(dir, 'big.bin'), 200 * mb);
    const app = await boot(appDir(set), { FILES_DIR: dir, LOG_LEVEL: 'warn' });
    const pid = app.process.pid ?? 0;
    try {
      // warm up with the first 16 MB, so the figure is the download's and not the first use
      // of this code path and of Node's buffer pools
      const warmUp = await fetch(`${app.url}/files/big.bin`, {
        headers: { range: `bytes=0-${16 * mb - 1}` },
      });
      await warmUp.arrayBuffer();
      const before = await rssBytes(pid);
      let peak = before;
      const sampler = setInterval(() => {
        rssBytes(pid).then(
          (rss) => (peak = Math.max(peak, rss)),
          () => undefined,
        );
      }, 20);
      let received = 0;
      const res = await fetch(`${app.url}/files/big.bin`);
      for await (const chunk of res.body ?? []) received += (chunk as Uint8Array).byteLength;
      clearInterval(sampler);
      peak = Math.max(peak, await rssBytes(pid));
      expect(res.status).toBe(200);
      expect(received).toBe(200 * mb);
      expect(peak - before, `RSS ${before} -> peak ${peak}`).toBeLessThan(50 * mb);
      console.log(
        `${set.id}: 200 MB download, RSS ${(before / mb).toFixed(1)} MB -> peak ${(peak / mb).toFixed(1)} MB`,
      );
    } finally {
      await stop(app);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('STREAM-1: a client that leaves mid-download leaves no open file handle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-leave-'));
    await writeFile(join(dir, 'big.bin'), '');
    await truncate(join(dir, 'big.bin'), 200 * mb);
    const app = await boot(appDir(set), { FILES_DIR: dir, LOG_LEVEL: 'warn' });
    const pid = app.process.pid ?? 0;
    try {
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = get(`${app.url}/files/big.bin`, (res) => {
            let seen = 0;
            res.on('data', (chunk: Buffer) => {
              seen += chunk.byteLength;
              // a few megabytes in, the client goes away
              if (seen > 4 * mb) {
                req.destroy();
                resolve();
              }
            });
          });
          req.on('error', () => undefined);
          req.on('close', () => resolve());
          setTimeout(() => reject(new Error('no data within 10 s')), 10_000);
        });
      }
      await expect.poll(() => openFilesUnder(pid, dir), { timeout: 5000 }).toEqual([]);
      // and the server still answers
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
    } finally {
      await stop(app);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
