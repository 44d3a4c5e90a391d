// The worker pool of the built app (WORK-2): `npm start` runs the compiled task modules in
// worker threads, without tsx, and a SIGTERM waits for the task that is running.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appDir, boot } from '../helpers/e2e.js';
import { onePer, optionSets } from './sets.js';

/** one set with the worker pool per framework */
const sets = onePer(
  optionSets.filter((set) => set.answers.workers),
  ({ framework }) => framework,
);

function expectedDigest(rounds: number): string {
  let digest: Buffer = Buffer.from('perf-app');
  for (let round = 0; round < rounds; round += 1) {
    digest = createHash('sha256').update(digest).digest();
  }
  return digest.toString('hex');
}

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);

  it('WORK-2: the built app computes /api/hash in a thread while /health answers', async () => {
    const app = await boot(dir, { WORKER_THREADS: '1' });
    try {
      const res = await fetch(`${app.url}/api/hash?rounds=1000`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ rounds: 1000, digest: expectedDigest(1000) });
      // about a second of work on the one thread
      const heavy = fetch(`${app.url}/api/hash?rounds=300000`).then((r) => r.status);
      const sent = performance.now();
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      // on the event loop it would wait for the whole second; the rest is a busy machine's room
      expect(performance.now() - sent).toBeLessThan(500);
      expect(await heavy).toBe(200);
    } finally {
      app.process.kill('SIGKILL');
      await app.process;
    }
  });

  it('WORK-2, RUN-2: SIGTERM with a hash running answers it, then exits 0', async () => {
    const app = await boot(dir, { WORKER_THREADS: '1' });
    await fetch(`${app.url}/api/hash?rounds=1`);
    const heavy = fetch(`${app.url}/api/hash?rounds=300000`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    app.process.kill('SIGTERM');
    const res = await heavy;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rounds: 300_000 });
    expect((await app.process).exitCode).toBe(0);
  });
});
