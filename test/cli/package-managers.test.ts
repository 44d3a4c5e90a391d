// --pm pnpm and yarn through the CLI, with a stand-in for the manager on PATH that records what
// it is asked: create installs with the chosen manager, in the project, and says its words; the
// project records it, and add (or any command that changes package.json) installs with it again.
// test/e2e/package-managers.test.ts runs the real managers.

import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { packageManagerVersions } from '../../src/versions.js';
import { assertBuilt, cliTest as it, runCli } from '../helpers/cli.js';

beforeAll(assertBuilt);

/** a `pm` on PATH that answers --version and logs every other call (its folder and arguments) */
async function standIn(cwd: string, pm: string) {
  const bin = join(cwd, 'fake-bin');
  const log = join(cwd, `${pm}.log`);
  await mkdir(bin, { recursive: true });
  await writeFile(
    join(bin, pm),
    `#!/bin/sh\n[ "$1" = --version ] && { echo 1.0.0; exit 0; }\necho "$PWD $*" >> ${log}\n`,
  );
  await chmod(join(bin, pm), 0o755);
  return {
    env: { PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` },
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).trim().split('\n'),
  };
}

const readJson = async (path: string) =>
  JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe.concurrent('--pm pnpm and --pm yarn', () => {
  it.for([
    ['pnpm', 'install --no-frozen-lockfile', 'pnpm dev', 'pnpm-lock.yaml'],
    ['yarn', 'install --no-immutable', 'yarn dev', 'yarn.lock'],
  ] as const)(
    '%s: installs in the project with it, says its words, and records it',
    async ([pm, install, dev], { cwd }) => {
      const fake = await standIn(cwd, pm);
      const result = await runCli(['api', '--yes', '--no-git', '--pm', pm], {
        cwd,
        env: fake.env,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const dir = join(cwd, 'api');
      expect(await fake.calls()).toEqual([`${dir} ${install}`]);
      expect(result.stdout).toContain(`dependencies installed with ${pm}`);
      expect(result.stdout).toMatch(new RegExp(`^ {2}${dev}$`, 'm'));
      expect(result.stdout).toContain(`Then: ${pm} test, ${pm} build && ${pm} start.`);
      expect(result.stdout).not.toMatch(/\bnpm (run|test|start|install)\b/);
      const pkg = await readJson(join(dir, 'package.json'));
      expect(pkg['packageManager']).toBe(`${pm}@${packageManagerVersions[pm]}`);
      expect((await readJson(join(dir, '.perf-app.json')))['packageManager']).toBe(pm);
      const readme = await readFile(join(dir, 'README.md'), 'utf8');
      expect(readme).toContain(`${dev} `);
      expect(readme).not.toMatch(/\bnpm (run|test|start|ci)\b/);
    },
  );

  it('add installs with the project recorded manager, pnpm, not npm', async ({ cwd }) => {
    const fake = await standIn(cwd, 'pnpm');
    const made = await runCli(['api', '--yes', '--no-git', '--no-install', '--pm', 'pnpm'], {
      cwd,
    });
    expect(made.exitCode, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^ {2}pnpm install$/m);
    const dir = join(cwd, 'api');
    const added = await runCli(['add', '--cache', 'redis', '--cwd', dir], { cwd, env: fake.env });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(await fake.calls()).toEqual([`${dir} install --no-frozen-lockfile`]);
    expect(added.stdout).toContain('dependencies installed with pnpm');
  });

  it('a project whose manifest names no manager is installed with the one its lockfile names', async ({
    cwd,
  }) => {
    const fake = await standIn(cwd, 'pnpm');
    const made = await runCli(['api', '--yes', '--no-git', '--no-install', '--pm', 'npm'], { cwd });
    expect(made.exitCode, made.stderr).toBe(0);
    const dir = join(cwd, 'api');
    // as a version before the manager was recorded wrote it, then installed with pnpm
    const manifest = await readJson(join(dir, '.perf-app.json'));
    delete manifest['packageManager'];
    await writeFile(join(dir, '.perf-app.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
    const added = await runCli(['add', '--workers', '--cwd', dir], { cwd, env: fake.env });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(await fake.calls()).toEqual([`${dir} install --no-frozen-lockfile`]);
  });

  it('a Yarn that will not run the pinned release is refused before anything is written', async ({
    cwd,
  }) => {
    // a global Yarn 1 refuses a package.json that pins Yarn 4
    const bin = join(cwd, 'fake-bin');
    await mkdir(bin);
    await writeFile(
      join(bin, 'yarn'),
      '#!/bin/sh\ngrep -q packageManager package.json 2>/dev/null && { echo "error This project\'s package.json defines \\"packageManager\\": \\"yarn@4\\". However the current global version of Yarn is 1.22.22." >&2; exit 1; }\necho 1.22.22\n',
    );
    await chmod(join(bin, 'yarn'), 0o755);
    const result = await runCli(['api', '--yes', '--no-git', '--pm', 'yarn'], {
      cwd,
      env: { PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('yarn does not run here');
    expect(result.stderr).toContain(': error This project');
    expect(result.stderr).toContain('corepack enable yarn');
    await expect(readFile(join(cwd, 'api', 'package.json'))).rejects.toThrow();
  });
});
