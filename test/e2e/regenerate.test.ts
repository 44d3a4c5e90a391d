// add, route and remove from the packed tool, on each framework's default app: the
// regenerated app type-checks, lints, builds, passes the tests of what was added and answers
// its routes; with the options removed again, all but the routes is the app it was.

import { execa } from 'execa';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appDir,
  boot,
  createFromTarball,
  lineEnv,
  lineWorkspace,
  workDir,
} from '../helpers/e2e.js';
import { pictureOf } from '../helpers/fs.js';
import { defaultSetIds, optionSets } from './sets.js';

const sets = optionSets.filter((set) => defaultSetIds.has(set.id));
/** beside the apps of the set's line, so that it resolves what their install hoisted there */
const regenDir = (set: (typeof sets)[number]) =>
  join(lineWorkspace(set.answers.node), `regen-${set.answers.framework}`);
afterAll(() => Promise.all(sets.map((set) => rm(regenDir(set), { recursive: true, force: true }))));

async function tool(cwd: string, args: string[]) {
  const tarball = (await readdir(workDir)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('the global setup packs the tool first');
  return createFromTarball(join(workDir, tarball), cwd, args);
}

/** the app's files, without what install, build and a run make (all in its .gitignore) */
const source = async (dir: string) =>
  (await pictureOf(dir)).filter(
    (line) => !/^(node_modules|dist|files|coverage|\.nginx)\/|^public\/.*\.(br|gz) /.test(line),
  );

describe.each(sets)('$answers.framework', (set) => {
  // inside the line's workspace, so the app resolves the packages its install hoisted there,
  // and npm, npx and the app run on that line's Node.js
  const dir = join(regenDir(set), 'api');
  const run = (command: string, args: string[]) =>
    execa(command, args, {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true', ...lineEnv(dir) },
    });

  it('add --workers --tracing otlp, route orders --cached, route notes --method POST: checked, tested, answering', async () => {
    await mkdir(dir, { recursive: true });
    await cp(appDir(set), dir, {
      recursive: true,
      filter: (path) => !/[/\\](node_modules|dist)([/\\]|$)/.test(path.slice(appDir(set).length)),
    });
    for (const args of [
      ['add', '--workers', '--tracing', 'otlp'],
      ['route', 'orders', '--cached'],
      ['route', 'notes', '--method', 'POST'],
    ]) {
      const result = await tool(dir, [...args, '--no-install']);
      expect(result.exitCode, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    for (const [command, ...args] of [
      ['npx', 'tsc', '--noEmit', '-p', '.'],
      ['npm', 'run', 'lint'],
      ['npm', 'run', 'build'],
      [
        'npx',
        'vitest',
        'run',
        'test/workers.test.ts',
        'test/tracing.test.ts',
        'test/orders.test.ts',
        'test/notes.test.ts',
      ],
    ] as const) {
      const result = await run(command, args);
      expect(result.exitCode, `${command} ${args.join(' ')}\n${result.all}`).toBe(0);
    }
    const app = await boot(dir);
    try {
      expect((await fetch(`${app.url}/api/hash?rounds=10`)).status).toBe(200);
      const first = await fetch(`${app.url}/api/orders`);
      expect(first.headers.get('x-cache')).toBe('MISS');
      await first.arrayBuffer();
      expect((await fetch(`${app.url}/api/orders`)).headers.get('x-cache')).toBe('HIT');
      const posted = await fetch(`${app.url}/api/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"text":"hello"}',
      });
      expect(posted.status).toBe(201);
    } finally {
      app.process.kill('SIGTERM');
      await app.process;
    }
  }, 240_000);

  it('remove workers tracing: the options go, the routes stay, it type-checks', async () => {
    const removed = await tool(dir, ['remove', 'workers', 'tracing', '--no-install']);
    expect(removed.exitCode, `${removed.stdout}\n${removed.stderr}`).toBe(0);
    const result = await run('npx', ['tsc', '--noEmit', '-p', '.']);
    expect(result.exitCode, result.all).toBe(0);
    const app = await readFile(join(dir, 'src/app.ts'), 'utf8');
    expect(app).not.toContain('hashRoutes');
    expect(app).toContain('ordersRoutes');
    // what is not the routes' is the app it was, byte for byte
    const routeFiles =
      /^(src\/routes\/(orders|notes)\.ts|test\/(orders|notes)\.test\.ts|src\/app\.ts|README\.md|\.perf-app\.(json|base\.json\.gz)) /;
    const mine = (await source(dir)).filter((line) => !routeFiles.test(line));
    const before = (await source(appDir(set))).filter((line) => !routeFiles.test(line));
    expect(mine).toEqual(before);
  }, 60_000);
});
