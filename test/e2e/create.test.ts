// The newcomer's path, from the packed tarball as `npm create perf-app my-api --yes` runs it:
// install with npm, a git repository with a first commit, then the project's own test command;
// then an option added to the committed project, installed with npm.

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFromTarball, workDir } from '../helpers/e2e.js';

describe('npm create perf-app my-api --yes', () => {
  let parent: string;
  let project: string;
  let output: string;
  let exitCode: number | undefined;

  beforeAll(async () => {
    const tarball = (await readdir(workDir)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error('the global setup packs the tool first');
    // outside this repository, so the project gets a repository of its own
    parent = await mkdtemp(join(tmpdir(), 'perf-app-create-'));
    project = join(parent, 'my-api');
    const result = await createFromTarball(join(workDir, tarball), parent, [
      'my-api',
      '--yes',
      '--pm',
      'npm',
    ]);
    output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
    exitCode = result.exitCode;
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('writes, installs and commits the project, and says what to run next', () => {
    expect(exitCode, output).toBe(0);
    expect(existsSync(join(project, 'node_modules', 'fastify'))).toBe(true);
    expect(output).toContain('dependencies installed with npm');
    expect(output).toContain('cd my-api');
    expect(output).toContain('npm run dev');
    expect(output).toMatch(
      /npx create-perf-app@\d+\.\d+\.\d+ my-api --framework fastify --node \d+ --cache memory .*--pm npm$/m,
    );
  });

  it('makes a git repository with one commit holding every file', async () => {
    const log = await execa('git', ['log', '--oneline'], { cwd: project });
    expect(log.stdout.trim().split('\n')).toHaveLength(1);
    const status = await execa('git', ['status', '--porcelain'], { cwd: project });
    expect(status.stdout).toBe('');
  });

  // standalone, outside the workspace: its own install, and its global setup builds dist/ for
  // the supervisor test (`npm start`); the whole suite of these answers runs in apps.test.ts
  it("passes the project's own test command, on three of its files", async () => {
    const files = ['test/health.test.ts', 'test/scripts.test.ts', 'test/cache.test.ts'];
    const test = await execa('npm', ['test', '--', ...files], {
      cwd: project,
      reject: false,
      all: true,
    });
    expect(test.exitCode, test.all).toBe(0);
    expect(stripVTControlCharacters(test.all ?? '')).toMatch(/Test Files +3 passed/);
  });

  it('add --workers on the committed project installs what it needs with npm', async () => {
    const tarball = (await readdir(workDir)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error('the global setup packs the tool first');
    const added = await createFromTarball(join(workDir, tarball), project, ['add', '--workers']);
    const output = stripVTControlCharacters(`${added.stdout}\n${added.stderr}`);
    expect(added.exitCode, output).toBe(0);
    expect(output).toContain('dependencies installed with npm');
    expect(existsSync(join(project, 'node_modules', 'piscina'))).toBe(true);
    const test = await execa('npx', ['vitest', 'run', 'test/workers.test.ts'], {
      cwd: project,
      reject: false,
      all: true,
    });
    expect(test.exitCode, test.all).toBe(0);
  });
});
