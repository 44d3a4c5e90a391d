// add, remove and route from the packed tool, on each framework's default app: the
// regenerated app type-checks, lints, builds, passes the tests of what was added and answers
// its routes; removed again, it is the app it was, byte for byte.

import { execa } from 'execa';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appDir, boot, createFromTarball, workDir, workspaceDir } from '../helpers/e2e.js';
import { pictureOf } from '../helpers/fs.js';
import { defaultSetIds, optionSets } from './sets.js';

const sets = optionSets.filter((set) => defaultSetIds.has(set.id));
const regenDir = join(workspaceDir, 'regen');
afterAll(() => rm(regenDir, { recursive: true, force: true }));

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
  // inside the workspace, so the app resolves the packages its install hoisted there
  const dir = join(regenDir, set.answers.framework, 'api');
  const run = (command: string, args: string[]) =>
    execa(command, args, { cwd: dir, reject: false, all: true, env: { CI: 'true' } });

  it('add --workers --tracing otlp: checks, builds, passes the added tests and answers', async () => {
    await mkdir(dir, { recursive: true });
    await cp(appDir(set), dir, {
      recursive: true,
      filter: (path) => !/[/\\](node_modules|dist)([/\\]|$)/.test(path.slice(appDir(set).length)),
    });
    const added = await tool(dir, ['add', '--workers', '--tracing', 'otlp', '--no-install']);
    expect(added.exitCode, `${added.stdout}\n${added.stderr}`).toBe(0);
    for (const [command, ...args] of [
      ['npx', 'tsc', '--noEmit', '-p', '.'],
      ['npm', 'run', 'lint'],
      ['npm', 'run', 'build'],
      ['npx', 'vitest', 'run', 'test/workers.test.ts', 'test/tracing.test.ts'],
    ] as const) {
      const result = await run(command, args);
      expect(result.exitCode, `${command} ${args.join(' ')}\n${result.all}`).toBe(0);
    }
    const app = await boot(dir);
    try {
      expect((await fetch(`${app.url}/api/hash?rounds=10`)).status).toBe(200);
    } finally {
      app.process.kill('SIGTERM');
      await app.process;
    }
  }, 240_000);

  it('remove workers tracing: the app it was, byte for byte', async () => {
    const removed = await tool(dir, ['remove', 'workers', 'tracing', '--no-install']);
    expect(removed.exitCode, `${removed.stdout}\n${removed.stderr}`).toBe(0);
    expect(await source(dir)).toEqual(await source(appDir(set)));
  }, 60_000);

  it('route orders --cached and route notes --method POST: checked, tested, answering', async () => {
    for (const args of [
      ['orders', '--cached'],
      ['notes', '--method', 'POST'],
    ]) {
      const routed = await tool(dir, ['route', ...args, '--no-install']);
      expect(routed.exitCode, `${routed.stdout}\n${routed.stderr}`).toBe(0);
    }
    for (const [command, ...args] of [
      ['npx', 'tsc', '--noEmit', '-p', '.'],
      ['npm', 'run', 'lint'],
      ['npm', 'run', 'build'],
      ['npx', 'vitest', 'run', 'test/orders.test.ts', 'test/notes.test.ts'],
    ] as const) {
      const result = await run(command, args);
      expect(result.exitCode, `${command} ${args.join(' ')}\n${result.all}`).toBe(0);
    }
    const app = await boot(dir);
    try {
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
});
