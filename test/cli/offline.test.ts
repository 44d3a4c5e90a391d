// Scaffolding needs no network: `create`, and every command on a project with --no-install
// (add, remove, route, update) or that never installs (check), run in a network namespace that
// has no interface but loopback (`unshare -n`, which needs root or user namespaces; the tests
// say they are skipped where neither is allowed).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect } from 'vitest';
import { answersToFlags, defaultAnswers, type Answers } from '../../src/options.js';
import { assertBuilt, cliEnv, cliPath, cliTest as it, runCli } from '../helpers/cli.js';
import { filesUnder } from '../helpers/fs.js';

beforeAll(assertBuilt);

const isolated = spawnSync('unshare', ['-n', 'true']).status === 0;

const everyOption: Answers = {
  ...defaultAnswers(),
  framework: 'hono',
  cache: 'tiered',
  db: 'postgres',
  httpClient: true,
  tracing: 'otlp',
  proxy: 'nginx',
};

describe.skipIf(!isolated)('with no network (unshare -n)', () => {
  it('creates a project with every option on, the same files as with a network', async ({
    cwd,
  }) => {
    const flags = [...answersToFlags(everyOption), '--no-install', '--no-git'];
    const offline = await execa('unshare', ['-n', process.execPath, cliPath, 'off', ...flags], {
      cwd,
      env: cliEnv(),
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
    });
    expect(offline.exitCode, offline.stderr).toBe(0);
    const online = await runCli(['on', ...flags], { cwd });
    expect(online.exitCode, online.stderr).toBe(0);
    const files = await filesUnder(join(cwd, 'off'));
    expect(files.length).toBeGreaterThan(50);
    expect(files).toEqual(await filesUnder(join(cwd, 'on')));
  });

  it('add, remove, route, update and check a project, with --no-install', async ({ cwd }) => {
    const offline = (args: string[]) =>
      execa('unshare', ['-n', process.execPath, cliPath, ...args], {
        cwd,
        env: cliEnv(),
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
      });
    // made by the same steps with a network, to compare with
    const made = await runCli(['on', '--yes', '--no-install', '--no-git', '--pm', 'pnpm'], {
      cwd,
    });
    expect(made.exitCode, made.stderr).toBe(0);
    const created = await offline(['off', '--yes', '--no-install', '--no-git', '--pm', 'pnpm']);
    expect(created.exitCode, created.stderr).toBe(0);
    const steps = [
      ['add', '--workers', '--tracing', 'otlp'],
      ['remove', 'workers'],
      ['route', 'orders', '--cached'],
      ['update'],
    ];
    for (const step of steps) {
      const flags = ['--no-install', '--allow-dirty'];
      const off = await offline([...step, '--cwd', 'off', ...flags]);
      expect(off.exitCode, `${step.join(' ')}: ${off.stderr}`).toBe(0);
      const on = await runCli([...step, '--cwd', 'on', ...flags], { cwd });
      expect(on.exitCode, on.stderr).toBe(0);
    }
    const check = await offline(['check', '--cwd', 'off']);
    expect(check.exitCode, check.stderr).toBe(0);
    const files = await filesUnder(join(cwd, 'off'));
    expect(files).toEqual(
      expect.arrayContaining(['src/routes/orders.ts', 'src/perf/tracing/register.ts']),
    );
    expect(files).toEqual(await filesUnder(join(cwd, 'on')));
    // eleven runs of the CLI, each a few seconds on a busy machine
  }, 180_000);
});
