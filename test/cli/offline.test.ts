// Scaffolding needs no network: `create` with --no-install runs in a network namespace that has
// no interface but loopback (`unshare -n`, which needs root or user namespaces; the test says
// it is skipped where neither is allowed).

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
});
