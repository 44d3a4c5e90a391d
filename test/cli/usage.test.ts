// the CLI refuses bad input before it writes anything: exit 2, a message that says what is
// wrong and what to do, and the folder it ran in exactly as it was.

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { optionKeys, specOf } from '../../src/options.js';
import { assertBuilt, cliTest as it, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { pictureOf } from '../helpers/fs.js';

const version = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

beforeAll(assertBuilt);

/**
 * Runs the CLI in `cwd`, which holds a file of the user's, and checks that it exits with
 * `exitCode` and an error line, and that the folder is byte for byte as it was.
 */
async function refused(cwd: string, args: string[], exitCode = 2): Promise<CliResult> {
  await writeFile(join(cwd, 'keep.txt'), 'a file of the user, never touched\n');
  const before = await pictureOf(cwd);
  const result = await runCli(args, { cwd });
  expect(await pictureOf(cwd), 'the folder changed').toEqual(before);
  expect(result.exitCode, result.stderr).toBe(exitCode);
  expect(result.stderr).toMatch(/^✖ /);
  expect(result.stdout).toBe('');
  return result;
}

describe.concurrent('help and version', () => {
  it('--help exits 0 and lists every flag and choice', async ({ cwd }) => {
    const { exitCode, stdout, stderr } = await runCli(['--help'], { cwd });
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    for (const flag of [
      '--framework',
      '--pm',
      '--dry-run',
      '--json',
      '--force',
      '--yes',
      '--no-install',
      '--no-git',
    ])
      expect(stdout).toContain(flag);
    for (const key of optionKeys) {
      const spec = specOf(key);
      expect(stdout).toContain(`--${spec.flag}`);
      if (spec.kind === 'choice')
        for (const { value } of spec.choices) expect(stdout).toContain(value);
    }
    expect(await pictureOf(cwd)).toEqual([]);
  });

  it('--version prints the version in package.json and nothing else', async ({ cwd }) => {
    const { exitCode, stdout } = await runCli(['--version'], { cwd });
    expect(exitCode).toBe(0);
    expect(stdout).toBe(version);
  });
});

describe.concurrent('a name npm would refuse', () => {
  it.for([
    ['Foo', /"Foo" cannot be the project's package name: .*capital letters/],
    ['.hidden', /"\.hidden" cannot be the project's package name: .*period/],
    ['a b', /"a b" cannot be the project's package name: .*URL-friendly/],
  ] as const)(
    'refuses the directory %s with exit code 2 and writes nothing',
    async ([dir, message], { cwd }) => {
      const { stderr } = await refused(cwd, [dir, '--yes', '--no-install', '--no-git']);
      expect(stderr).toMatch(message);
      expect(stderr).toContain('like my-api');
    },
  );

  it("refuses a name that is one of the project's dependencies, fastify", async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['fastify', '--yes', '--no-install', '--no-git']);
    expect(stderr).toContain('"fastify" is the name of one of the project\'s dependencies');
    expect(stderr).toContain('my-fastify-api');
  });

  it('refuses a package manager that is not installed before writing anything', async ({ cwd }) => {
    // PATH holds node and nothing else: pnpm is surely missing
    const env = { PATH: dirname(process.execPath) };
    await writeFile(join(cwd, 'keep.txt'), 'a file of the user, never touched\n');
    const before = await pictureOf(cwd);
    const result = await runCli(['api', '--yes', '--no-git', '--pm', 'pnpm'], { cwd, env });
    expect(await pictureOf(cwd), 'the folder changed').toEqual(before);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('pnpm is not installed here');
    expect(result.stderr).toContain('corepack enable pnpm');
    expect(result.stderr).toContain('--no-install');
  });

  it.for([
    ['--pm bun', ['--pm', 'bun'], {} as Record<string, string>],
    ['bun create', [], { npm_config_user_agent: 'bun/1.2.0 npm/? node/v20.20.0 linux x64' }],
  ] as const)('refuses bun (%s) before writing anything', async ([, flags, env], { cwd }) => {
    const before = await pictureOf(cwd);
    const result = await runCli(['api', '--yes', '--no-git', ...flags], { cwd, env });
    expect(await pictureOf(cwd), 'the folder changed').toEqual(before);
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('bun is not supported');
    expect(result.stderr).toContain('--pm pnpm');
  });

  it('route outside a project says where to run it, and writes nothing', async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['route', 'orders', '--cached']);
    expect(stderr).toContain('has no .perf-app.json');
  });

  it('add outside a project says where to run it, and writes nothing', async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['add', '--tracing', 'otlp', '--no-install']);
    expect(stderr).toContain('has no .perf-app.json');
    expect(stderr).toContain('--cwd');
  });

  it('refuses the name of a dependency of the chosen framework', async ({ cwd }) => {
    const { stderr } = await refused(cwd, [
      'hono',
      '--framework',
      'hono',
      '--yes',
      '--no-install',
      '--no-git',
    ]);
    expect(stderr).toContain('"hono" is the name of one of the project\'s dependencies');
  });
});

describe.concurrent('flags it does not know', () => {
  it('rejects an unknown flag with exit code 2 and writes nothing', async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['my-api', '--frob', '--yes']);
    expect(stderr).toContain('Unknown flag: --frob');
    expect(stderr).toContain('--help');
  });

  it('rejects an unknown --framework value, naming the ones it takes and --help', async ({
    cwd,
  }) => {
    const { stderr } = await refused(cwd, ['my-api', '--framework', 'koa', '--yes']);
    expect(stderr).toContain(
      'Unknown value for --framework: "koa". Use one of: fastify, express, hono.',
    );
    expect(stderr).toContain('--help');
  });

  it('rejects a Node.js line projects are not made for, naming the ones they are', async ({
    cwd,
  }) => {
    const { stderr } = await refused(cwd, ['my-api', '--node', '18', '--yes']);
    expect(stderr).toContain('Unknown value for --node: "18". Use one of: 20, 22, 24, 26.');
  });

  it('rejects a flag without its value', async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['my-api', '--yes', '--pm']);
    expect(stderr).toContain('The flag --pm needs a value.');
  });
});

describe.concurrent('no terminal to ask on', () => {
  it('refuses missing answers without --yes, naming the --framework flag', async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['my-api', '--no-install', '--no-git']);
    expect(stderr).toContain('No terminal to ask on');
    expect(stderr).toContain('--framework fastify|express|hono');
    expect(stderr).toContain('--yes');
  });

  it('refuses to guess a directory', async ({ cwd }) => {
    const { stderr } = await refused(cwd, ['--framework', 'fastify', '--no-install', '--no-git']);
    expect(stderr).toContain('No project directory given and no terminal to ask on.');
    expect(stderr).toContain('create-perf-app my-api --yes');
  });
});

interface JsonError {
  error: string;
  hint?: string;
  exitCode: number;
}

/**
 * Runs `args` as given and with --json: the exit code is the same, and the JSON run prints
 * nothing but one object on stdout that says what the text run said on stderr.
 */
async function sameErrorAsJson(cwd: string, args: string[]): Promise<JsonError> {
  const text = await runCli(args, { cwd });
  const json = await runCli([...args, '--json'], { cwd });
  expect(text.exitCode, text.stderr).not.toBe(0);
  expect(json.exitCode, json.stdout).toBe(text.exitCode);
  expect(json.stderr).toBe('');
  const error = JSON.parse(json.stdout) as JsonError;
  expect(Object.keys(error).sort()).toEqual(
    error.hint === undefined ? ['error', 'exitCode'] : ['error', 'exitCode', 'hint'],
  );
  expect(error.exitCode).toBe(text.exitCode);
  expect(text.stderr.trimEnd()).toBe(
    [`✖ ${error.error}`, ...(error.hint === undefined ? [] : [error.hint])].join('\n'),
  );
  return error;
}

describe.concurrent('with --json, an error is one JSON object on stdout', () => {
  it('for an unknown flag: exit 2, the message and the hint', async ({ cwd }) => {
    const error = await sameErrorAsJson(cwd, ['my-api', '--frob']);
    expect(error).toEqual({
      error: 'Unknown flag: --frob',
      hint: 'Run `create-perf-app --help` for the flags.',
      exitCode: 2,
    });
  });

  it('for a name npm would refuse', async ({ cwd }) => {
    const error = await sameErrorAsJson(cwd, ['Foo', '--yes']);
    expect(error.error).toMatch(/^"Foo" cannot be the project's package name/);
    expect(error.exitCode).toBe(2);
  });

  it.for([
    ['check'],
    ['add', '--tracing', 'otlp'],
    ['remove', 'tracing'],
    ['update'],
    ['route', 'orders', '--cached'],
  ])('for %s outside a project', async (args, { cwd }) => {
    const error = await sameErrorAsJson(cwd, args);
    expect(error.error).toContain('has no .perf-app.json');
    expect(error.exitCode).toBe(2);
  });

  it('for update over conflict markers: exit 1', async ({ cwd }) => {
    const made = await runCli(['api', '--yes', '--no-install', '--no-git'], { cwd });
    expect(made.exitCode, made.stderr).toBe(0);
    await writeFile(join(cwd, 'api', 'src/app.ts'), '<<<<<<< yours\nmine\n=======\n>>>>>>> x\n');
    const error = await sameErrorAsJson(join(cwd, 'api'), ['update']);
    expect(error.error).toBe('Conflict markers are still in src/app.ts.');
    expect(error.exitCode).toBe(1);
  });
});
