// The packed tool with --pm pnpm (hono, the defaults) and --pm yarn (express with the Redis
// cache), each manager run through corepack from a folder of this test's own (`corepack enable
// --install-directory`), never the machine's: the project is installed with that manager and
// its lockfile, built, started with its start script, answers /health and a cached route,
// type-checks in the manager's layout and runs tests through it. A manager missing from PATH is
// refused before anything is written.

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageManagerVersions } from '../../src/versions.js';
import { createFromTarball, freePort, sharedServices, workDir } from '../helpers/e2e.js';
import { waitUntilAnswering } from '../helpers/net.js';

let parent: string;
let tarball: string;
let env: Record<string, string>;

beforeAll(async () => {
  const packed = (await readdir(workDir)).find((name) => name.endsWith('.tgz'));
  if (!packed) throw new Error('the global setup packs the tool first');
  tarball = join(workDir, packed);
  parent = await mkdtemp(join(tmpdir(), 'perf-app-pm-'));
  const bin = join(parent, 'bin');
  await mkdir(bin);
  await execa('corepack', ['enable', '--install-directory', bin, 'pnpm', 'yarn']);
  env = {
    PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
    // this machine reaches the npm registry only, through a mirror whose metadata carries no
    // signatures: corepack fetches Yarn from it too, and skips the signature check (the
    // tarball's integrity is still checked)
    COREPACK_NPM_REGISTRY: process.env['COREPACK_NPM_REGISTRY'] ?? 'https://registry.npmjs.org',
    COREPACK_INTEGRITY_KEYS: process.env['COREPACK_INTEGRITY_KEYS'] ?? '0',
    ...sharedServices,
  };
});
afterAll(() => rm(parent, { recursive: true, force: true }));

const managers = [
  { pm: 'pnpm', flags: ['--framework', 'hono'], lockfile: 'pnpm-lock.yaml', dev: 'pnpm dev' },
  {
    pm: 'yarn',
    flags: ['--framework', 'express', '--cache', 'redis'],
    lockfile: 'yarn.lock',
    dev: 'yarn dev',
  },
] as const;

describe.each(managers)('--pm $pm', ({ pm, flags, lockfile, dev }) => {
  const name = `app-${pm}`;
  const project = () => join(parent, name);
  const run = (args: string[], extra: Record<string, string> = {}) =>
    execa(pm, args, { cwd: project(), env: { ...env, ...extra }, reject: false, all: true });

  it(`writes the project, installs it with ${pm} and says its words`, async () => {
    const created = await createFromTarball(
      tarball,
      parent,
      [name, '--yes', '--no-git', '--pm', pm, ...flags],
      env,
    );
    const output = stripVTControlCharacters(`${created.stdout}\n${created.stderr}`);
    expect(created.exitCode, output).toBe(0);
    expect(output).toContain(`dependencies installed with ${pm}`);
    expect(output).toMatch(new RegExp(`^ {2}${dev}$`, 'm'));
    expect(existsSync(join(project(), lockfile)), lockfile).toBe(true);
    expect(existsSync(join(project(), 'package-lock.json'))).toBe(false);
    expect(existsSync(join(project(), 'node_modules', 'vitest'))).toBe(true);
    const pkg = JSON.parse(await readFile(join(project(), 'package.json'), 'utf8')) as {
      packageManager: string;
    };
    expect(pkg.packageManager).toBe(`${pm}@${packageManagerVersions[pm]}`);
  });

  it(`builds, starts with \`${pm} start\`, answers /health and a cached route, and stops on SIGTERM`, async () => {
    const build = await run(['build']);
    expect(build.exitCode, build.all).toBe(0);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const start = run(['start'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      SHUTDOWN_DELAY_MS: '0',
      WEB_CONCURRENCY: '1',
    });
    try {
      const up = await waitUntilAnswering(`${url}/health`, {
        check: () => {
          if (start.exitCode !== null)
            throw new Error(`${pm} start exited before /health answered`);
        },
      });
      expect(up, 'no answer on /health').toBe(true);
      // an item (1..1000) picked by the clock, so that a Redis shared with an earlier run is
      // unlikely to hold it still
      const path = `/api/items/${1 + (Date.now() % 1000)}`;
      const first = await fetch(`${url}${path}`);
      const second = await fetch(`${url}${path}`);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual([
        'MISS',
        'HIT',
      ]);
    } finally {
      start.kill('SIGTERM');
    }
    const stopped = await start;
    expect(stopped.exitCode, stopped.all).toBe(0);
  });

  // every import of src/, test/ and bench/ resolves in the manager's layout (pnpm's is strict:
  // a package the project does not declare is not found), and the test script runs; the whole
  // suite of these two sets runs under npm in apps.test.ts
  it(`type-checks in ${pm}'s layout, and runs its tests with \`${pm} test\``, async () => {
    const typecheck = await run(['run', 'typecheck']);
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const test = await run(['test', 'test/health.test.ts', 'test/cache.test.ts']);
    expect(test.exitCode, test.all).toBe(0);
    expect(stripVTControlCharacters(test.all)).toMatch(/Test Files +2 passed/);
  });
});

describe('a package manager missing from PATH', () => {
  it('is refused before anything is written, with how to get it', async () => {
    // node, npm and npx only: the tarball runs, pnpm does not
    const created = await createFromTarball(
      tarball,
      parent,
      ['app-missing', '--yes', '--no-git', '--pm', 'pnpm'],
      { PATH: dirname(process.execPath) },
    );
    expect(created.exitCode).toBe(1);
    expect(created.stderr).toContain('pnpm is not installed here');
    expect(created.stderr).toContain('corepack enable pnpm');
    expect(existsSync(join(parent, 'app-missing'))).toBe(false);
  });
});
