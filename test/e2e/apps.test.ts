// End to end, for every option set (test/e2e/sets.ts), generated from the packed tarball and
// built by global-setup.ts: type-check, lint, the app's own tests, boot, probe, shut down.

import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeFeatures } from '../../src/features/index.js';
import { testServicesOf } from '../../src/render/project.js';
import { appDir, boot, nodeOf, typecheckReport } from '../helpers/e2e.js';
import { freePort } from '../helpers/net.js';
import { defaultSetIds, allSets, ownTestSets } from './sets.js';

async function npmRun(dir: string, script: string, args: string[] = []) {
  const result = await execa('npm', ['run', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: dir,
    reject: false,
    all: true,
    env: { CI: 'true' },
  });
  return { ok: result.exitCode === 0, output: result.all ?? '' };
}

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * The base layer's load tests: a cluster under autocannon (WORK-3, WORK-4) and an overloaded
 * event loop (WORK-5). Their code is the same whatever the other options, so they run in the
 * suites of each framework's defaults only: in every suite they took a third of its time.
 */
const loadTestFiles = ['test/cluster.test.ts', 'test/load-shedding.test.ts'];

// the checks of all sets are independent: concurrent, as many at once as the project allows
// named with the Node.js line the app runs on: `fastify-node26-... (node 26)`
const named = allSets.map((set) => ({ ...set, name: `${set.id} (node ${set.answers.node})` }));

describe.concurrent.each(named)('$name', (set) => {
  const dir = appDir(set);

  // its workspace was installed by that line's npm, and its apps run on that line's node
  it("runs on its line's Node.js", async () => {
    const { stdout } = await execa(nodeOf(dir), ['--version']);
    expect(stdout).toMatch(new RegExp(`^v${set.answers.node}\\.`));
  });

  // `npm run typecheck` of every app ran in the global setup, in one tsc --build (faster)
  it('type-checks under strict settings', async () => {
    const report = await readFile(typecheckReport, 'utf8');
    const errors = report.split('\n').filter((line) => line.includes(`apps/e2e-${set.id}/`));
    expect(errors).toEqual([]);
  });

  it('passes its own lint and format check', async () => {
    const { ok, output } = await npmRun(dir, 'lint');
    expect(ok, output).toBe(true);
  });

  // the apps of ownTestSets run every test file we ship on every framework (see sets.ts)
  it.runIf(ownTestSets.some((own) => own.id === set.id))('passes its own tests', async () => {
    const excluded = defaultSetIds.has(set.id) ? [] : loadTestFiles;
    const { ok, output } = await npmRun(
      dir,
      'test',
      excluded.flatMap((file) => ['--exclude', file]),
    );
    expect(ok, output).toBe(true);
  });

  it('records its answers in .perf-app.json', async () => {
    const manifest = JSON.parse(await readFile(join(dir, '.perf-app.json'), 'utf8')) as {
      answers: unknown;
    };
    expect(manifest.answers).toEqual(set.answers);
  });

  // one boot for both: each boot of a Node.js 20 app (no compile cache) costs a CPU second
  it('boots and answers /health and /ready (RUN-1), then exits 0 on SIGTERM after closing (RUN-2)', async () => {
    const app = await boot(dir);
    try {
      const health = await fetch(`${app.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${app.url}/ready`);
      expect(ready.status, JSON.stringify(await ready.clone().json())).toBe(200);
    } finally {
      app.process.kill('SIGTERM');
    }
    const result = await app.process;
    expect(result.exitCode, app.output()).toBe(0);
    expect(app.output()).toContain('closing');
  });

  it.runIf(set.answers.cache !== 'none')(
    'RUN-2: a request in flight at SIGTERM is answered, then the process exits 0',
    async () => {
      const app = await boot(dir, { ITEM_LOAD_MS: '1500', REDIS_URL: redisUrl });
      const inFlight = fetch(`${app.url}/api/items/1`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      app.process.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { id: number }).id).toBe(1);
      const result = await app.process;
      expect(result.exitCode, app.output()).toBe(0);
      // and it took no new connection meanwhile
      await expect(fetch(`${app.url}/health`)).rejects.toThrow();
    },
  );

  it('RUN-3: a bad setting stops it at start with one line naming the variable', async () => {
    const result = await execa(nodeOf(dir), ['dist/main.js'], {
      cwd: dir,
      env: { PORT: 'eighty' },
      reject: false,
      timeout: 15_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid setting PORT="eighty": takes a whole number from 0 to 65535',
    );
  });

  // the servers its own tests need, as the project declares them (Feature.testServices), each
  // pointed at a port where nothing answers
  const servers = testServicesOf({
    name: set.id,
    answers: set.answers,
    features: activeFeatures(set.answers),
    routes: [],
    packageManager: 'npm',
  }).map(({ name, variable, url: where }) => ({
    name,
    variable,
    url: (port: number) => Object.assign(new URL(where), { port: String(port) }).href,
  }));

  it.runIf(servers.length > 0)(
    'npm test with the servers its tests need away stops before any test, with one line naming each',
    async () => {
      const port = await freePort();
      const result = await execa('npm', ['test'], {
        cwd: dir,
        env: {
          CI: 'true',
          ...Object.fromEntries(servers.map(({ variable, url }) => [variable, url(port)])),
        },
        reject: false,
        all: true,
        timeout: 60_000,
      });
      expect(result.exitCode, result.all).toBe(1);
      for (const { name, variable, url } of servers) {
        expect(result.stderr).toContain(
          `The tests need ${name} at ${url(port)} (${variable}): nothing answers there.`,
        );
      }
      // no test ran, so none failed on its own
      expect(result.all).not.toMatch(/Test Files|FAIL/);
    },
  );
});
