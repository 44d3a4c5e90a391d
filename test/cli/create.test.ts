// the CLI writes a project whole or not at all, never replaces a file of the user's, and
// keeps the project when the install fails.

import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { answersToFlags, defaultAnswers, runningNodeLine } from '../../src/options.js';
import { assertBuilt, cliTest as it, repoRoot, runCli } from '../helpers/cli.js';
import { filesUnder, pictureOf } from '../helpers/fs.js';
import { runOnTerminal } from '../helpers/pty.js';

const version = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

const offline = ['--no-install', '--no-git'];

beforeAll(assertBuilt);

/** a folder `my-api` holding one file of the user's; returns the picture of `cwd` after */
async function userProject(cwd: string, files: Record<string, string>): Promise<string[]> {
  await mkdir(join(cwd, 'my-api'));
  for (const [path, content] of Object.entries(files))
    await writeFile(join(cwd, 'my-api', path), content);
  return pictureOf(cwd);
}

describe.concurrent('a new directory', () => {
  it('writes the project with --yes, and prints the command that makes it again', async ({
    cwd,
  }) => {
    const { exitCode, stdout, stderr } = await runCli(['my-api', '--yes', ...offline], { cwd });
    expect(exitCode, stderr).toBe(0);
    const dir = join(cwd, 'my-api');
    const files = await filesUnder(dir);
    for (const path of [
      'package.json',
      '.perf-app.json',
      'src/app.ts',
      'src/main.ts',
      '.gitignore',
    ])
      expect(files).toContain(path);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject({
      name: 'my-api',
      dependencies: { fastify: expect.any(String) },
    });
    expect(stdout).toContain(`${files.length} files written`);
    expect(stdout).toContain('cd my-api');
    expect(stdout).toContain('npm install');
    // --node's default is the line of the Node.js running the CLI, which is this one
    const flags = answersToFlags({ ...defaultAnswers(), node: runningNodeLine.line }).join(' ');
    expect(flags).toMatch(/^--framework fastify\b/);
    // the last line, indented: the same project again, without questions
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `  npx create-perf-app@${version} my-api ${flags} --pm npm --no-install --no-git`,
    );
    // no git repository and nothing but the project in the folder
    expect(existsSync(join(dir, '.git'))).toBe(false);
    expect(await readdir(cwd)).toEqual(['my-api']);
  });

  it('the same project again keeps --no-install and --no-git, each only when given', async ({
    cwd,
  }) => {
    const again = async (args: string[]) => {
      const { exitCode, stdout, stderr } = await runCli(args, { cwd });
      expect(exitCode, stderr).toBe(0);
      return stdout.trimEnd().split('\n').at(-1) ?? '';
    };
    expect(await again(['a', '--yes', '--no-git', '--no-install'])).toMatch(
      / --pm npm --no-install --no-git$/,
    );
    expect(await again(['b', '--yes', '--no-git', '--pm', 'npm', '--no-install'])).toMatch(
      / --pm npm --no-install --no-git$/,
    );
  });

  it('in the current directory (.), the next steps have no `cd .`', async ({ cwd }) => {
    const dir = join(cwd, 'my-api');
    await mkdir(dir);
    const { exitCode, stdout, stderr } = await runCli(['.', '--yes', ...offline], { cwd: dir });
    expect(exitCode, stderr).toBe(0);
    expect(await filesUnder(dir)).toContain('package.json');
    expect(stdout).not.toContain('cd .');
    expect(stdout).toMatch(/Done\. Next:\n {2}npm install\n {2}npm run dev\n/);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^ {2}npx create-perf-app@\S+ \. --framework /,
    );
  });

  it('writes the chosen framework', async ({ cwd }) => {
    const { exitCode } = await runCli(['api', '--yes', '--framework', 'hono', ...offline], { cwd });
    expect(exitCode).toBe(0);
    const manifest = JSON.parse(await readFile(join(cwd, 'api', '.perf-app.json'), 'utf8')) as {
      answers: { framework: string };
    };
    expect(manifest.answers.framework).toBe('hono');
    expect(await readFile(join(cwd, 'api', 'src/app.ts'), 'utf8')).toContain("from 'hono'");
  });
});

describe.concurrent('a directory that has files', () => {
  const userFile = 'notes.md';
  const userBytes = 'my notes: do not touch\n';

  it('is refused without --force, exit code 1, the user file intact', async ({ cwd }) => {
    const before = await userProject(cwd, { [userFile]: userBytes });
    const { exitCode, stderr } = await runCli(['my-api', '--yes', ...offline], { cwd });
    expect(exitCode).toBe(1);
    expect(stderr).toContain('✖ my-api is not empty.');
    expect(stderr).toContain('--force');
    expect(await pictureOf(cwd)).toEqual(before);
  });

  it("gets the project beside the user's file with --force", async ({ cwd }) => {
    await userProject(cwd, { [userFile]: userBytes });
    const { exitCode, stderr } = await runCli(['my-api', '--yes', '--force', ...offline], { cwd });
    expect(exitCode, stderr).toBe(0);
    const files = await filesUnder(join(cwd, 'my-api'));
    expect(files).toEqual(
      expect.arrayContaining([userFile, 'package.json', '.perf-app.json', 'src/app.ts']),
    );
    expect(await readFile(join(cwd, 'my-api', userFile), 'utf8')).toBe(userBytes);
    expect(
      await filesUnder(cwd).then((all) => all.filter((p) => !p.startsWith('my-api/'))),
    ).toEqual([]);
  });

  it("with --force, keeps the user's README.md and writes ours beside it as README.create-perf-app.md", async ({
    cwd,
  }) => {
    // a repository made on GitHub with a README, cloned
    const readme = '# my-api\n\nOur new API.\n';
    await userProject(cwd, { 'README.md': readme });
    const { exitCode, stdout, stderr } = await runCli(['my-api', '--yes', '--force', ...offline], {
      cwd,
    });
    expect(exitCode, stderr).toBe(0);
    const dir = join(cwd, 'my-api');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe(readme);
    expect(await readFile(join(dir, 'README.create-perf-app.md'), 'utf8')).toMatch(
      /^# my-api\n\nA TypeScript HTTP server on fastify, made with create-perf-app/,
    );
    expect(await filesUnder(dir)).toEqual(
      expect.arrayContaining(['package.json', '.perf-app.json', 'src/app.ts']),
    );
    const said = stdout.split('\n').filter((line) => line.includes('README.create-perf-app.md'));
    expect(said).toEqual([
      "  ! README.md is yours and stays: the project's README is README.create-perf-app.md",
    ]);
  });

  it('refuses with --force when package.json would be replaced, though the README would go beside', async ({
    cwd,
  }) => {
    const before = await userProject(cwd, { 'README.md': '# mine\n', 'package.json': '{}\n' });
    const { exitCode, stderr } = await runCli(['my-api', '--yes', '--force', ...offline], { cwd });
    expect(exitCode).toBe(1);
    expect(stderr).toContain('already has different content in: package.json\n');
    expect(await pictureOf(cwd)).toEqual(before);
  });

  it("refuses with --force when a generated file would replace the user's package.json", async ({
    cwd,
  }) => {
    const mine = '{ "name": "mine", "private": true }\n';
    const before = await userProject(cwd, { [userFile]: userBytes, 'package.json': mine });
    const { exitCode, stderr } = await runCli(['my-api', '--yes', '--force', ...offline], { cwd });
    expect(exitCode).toBe(1);
    expect(stderr).toContain('already has different content in: package.json');
    expect(stderr).toContain('Nothing was written.');
    expect(await pictureOf(cwd)).toEqual(before);
    expect(await readFile(join(cwd, 'my-api', 'package.json'), 'utf8')).toBe(mine);
  });
});

describe.concurrent('--dry-run and --json', () => {
  it('--dry-run lists the files and writes nothing', async ({ cwd }) => {
    const { exitCode, stdout } = await runCli(['my-api', '--yes', '--dry-run', ...offline], {
      cwd,
    });
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^Would create my-api in .* with \d+ files:/);
    expect(stdout).toMatch(/^ {2}src\/app\.ts +\d+ B {2}framework$/m);
    expect(stdout).toContain('Dry run: nothing was written.');
    expect(await pictureOf(cwd)).toEqual([]);
  });

  it('--dry-run writes nothing into a directory that has files either', async ({ cwd }) => {
    const before = await userProject(cwd, { 'package.json': '{}\n' });
    const { exitCode } = await runCli(['my-api', '--yes', '--dry-run', ...offline], { cwd });
    expect(exitCode).toBe(0);
    expect(await pictureOf(cwd)).toEqual(before);
  });

  it('--dry-run warns that the directory is not empty, and names the files that would clash', async ({
    cwd,
  }) => {
    const before = await userProject(cwd, {
      'package.json': '{}\n',
      'README.md': '# mine\n',
      'notes.md': 'mine\n',
    });
    const { exitCode, stdout } = await runCli(['my-api', '--yes', '--dry-run', ...offline], {
      cwd,
    });
    expect(exitCode).toBe(0);
    const warnings = stdout.split('\n').filter((line) => line.startsWith('! '));
    expect(warnings).toEqual([
      '! my-api is not empty: writing into it needs --force.',
      '! Even with --force it would be refused: the project has different files at package.json.',
      "! README.md is yours and would stay: the project's README would be README.create-perf-app.md.",
    ]);
    expect(stdout).toMatch(/^ {2}README\.create-perf-app\.md +\d+ B {2}base$/m);
    expect(await pictureOf(cwd)).toEqual(before);
  });

  it('--dry-run --force into a directory with files of its own only warns that it is not empty', async ({
    cwd,
  }) => {
    await userProject(cwd, { 'notes.md': 'mine\n' });
    const { exitCode, stdout } = await runCli(
      ['my-api', '--yes', '--dry-run', '--force', ...offline],
      { cwd },
    );
    expect(exitCode).toBe(0);
    expect(stdout.split('\n').filter((line) => line.startsWith('! '))).toEqual([
      '! my-api is not empty: the project would be written beside its files; none is replaced.',
    ]);
  });

  it('--json says whether the directory is not empty, and which files would clash', async ({
    cwd,
  }) => {
    const plan = async (dir: string) => {
      const { exitCode, stdout } = await runCli([dir, '--yes', '--json'], { cwd });
      expect(exitCode).toBe(0);
      return JSON.parse(stdout) as {
        notEmpty: boolean;
        clashes: string[];
        files: { path: string }[];
      };
    };
    expect(await plan('new-api')).toMatchObject({ notEmpty: false, clashes: [] });
    await userProject(cwd, { 'package.json': '{}\n', 'README.md': '# mine\n' });
    const busy = await plan('my-api');
    expect(busy).toMatchObject({ notEmpty: true, clashes: ['package.json'] });
    expect(busy.files.map((f) => f.path)).toContain('README.create-perf-app.md');
    expect(busy.files.map((f) => f.path)).not.toContain('README.md');
  });

  it('--json prints the plan as JSON, with each file and its owner, and writes nothing', async ({
    cwd,
  }) => {
    const { exitCode, stdout } = await runCli(
      ['my-api', '--yes', '--json', '--framework', 'express', ...offline],
      {
        cwd,
      },
    );
    expect(exitCode).toBe(0);
    const plan = JSON.parse(stdout) as {
      name: string;
      directory: string;
      generator: { name: string; version: string };
      answers: { framework: string };
      files: { path: string; feature: string; bytes: number }[];
    };
    expect(plan.name).toBe('my-api');
    expect(plan.directory).toBe(join(cwd, 'my-api'));
    expect(plan.generator).toEqual({ name: 'create-perf-app', version });
    expect(plan.answers.framework).toBe('express');
    const owners = Object.fromEntries(plan.files.map((f) => [f.path, f.feature]));
    expect(owners).toMatchObject({
      'package.json': 'base',
      '.perf-app.json': 'base',
      'src/app.ts': 'framework',
    });
    for (const file of plan.files) expect(file.bytes, file.path).toBeGreaterThan(0);
    expect(await pictureOf(cwd)).toEqual([]);
  });
});

/** a folder holding an `npm` that answers --version and whose install succeeds after `seconds` */
async function slowNpm(cwd: string, seconds: number): Promise<Record<string, string>> {
  const bin = join(cwd, 'fake-bin');
  await mkdir(bin);
  await writeFile(
    join(bin, 'npm'),
    `#!/bin/sh\n[ "$1" = install ] || { echo 11.0.0; exit 0; }\nsleep ${seconds}\n`,
  );
  await chmod(join(bin, 'npm'), 0o755);
  return { PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` };
}

describe.concurrent('an install', () => {
  it('ends with the total time it took, without a terminal', async ({ cwd }) => {
    const env = await slowNpm(cwd, 0.3);
    const { exitCode, stdout, stderr } = await runCli(['my-api', '--yes', '--no-git'], {
      cwd,
      env,
    });
    expect(exitCode, stderr).toBe(0);
    const line = stdout.split('\n').find((l) => l.includes('dependencies installed'));
    expect(line).toMatch(/^ {2}✔ dependencies installed with npm in \d+\.\d s$/);
    const seconds = Number(/in ([\d.]+) s/.exec(line ?? '')?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0.3);
  });

  it('ends with the total time it took, on a terminal', async ({ cwd }) => {
    const env = await slowNpm(cwd, 0.3);
    const { exitCode, output } = await runOnTerminal(['my-api', '--yes', '--no-git'], {
      cwd,
      env,
      steps: [],
    });
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/✔ dependencies installed with npm in \d+\.\d s\r?\n/);
  });
});

describe.concurrent('a failed install', () => {
  it('exits 1, says how to finish by hand, and keeps the project', async ({ cwd }) => {
    const bin = join(cwd, 'fake-bin');
    await mkdir(bin);
    const fakeNpm = join(bin, 'npm');
    // an npm that runs (--version answers) but whose install fails
    await writeFile(
      fakeNpm,
      '#!/bin/sh\n[ "$1" = install ] || { echo 11.0.0; exit 0; }\necho "npm ERR! fake registry is down" >&2\nexit 1\n',
    );
    await chmod(fakeNpm, 0o755);

    const { exitCode, stdout, stderr } = await runCli(
      ['my-api', '--yes', '--pm', 'npm', '--no-git'],
      {
        cwd,
        env: { PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` },
      },
    );
    expect(exitCode).toBe(1);
    expect(stdout).toContain('files written');
    expect(stderr).toContain('Installing dependencies with npm failed');
    expect(stderr).toContain('fake registry is down');
    expect(stderr).toContain(`The project is in ${join(cwd, 'my-api')}. Finish by hand:`);
    expect(stderr).toMatch(/^ {2}cd my-api\n {2}npm install$/m);
    const files = await filesUnder(join(cwd, 'my-api'));
    expect(files).toEqual(expect.arrayContaining(['package.json', '.perf-app.json', 'src/app.ts']));
    expect(files.filter((p) => p.startsWith('node_modules/'))).toEqual([]);
  });
});
