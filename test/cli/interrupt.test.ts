// Ctrl-C at a question ends the CLI with exit code 130 and leaves nothing behind (it needs a
// terminal: the questions are only asked when stdin and stdout are one); Ctrl-C while a
// command changes a project leaves it as it was, or as the command makes it, never between.

import { execa } from 'execa';
import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { assertBuilt, cliEnv, cliPath, cliTest as it, runCli } from '../helpers/cli.js';
import { pictureOf } from '../helpers/fs.js';
import { typeAtPrompt } from '../helpers/pty.js';

const ctrlC = '\x03';

beforeAll(assertBuilt);

describe.concurrent('Ctrl-C at a prompt', () => {
  it.for([
    { prompt: 'Which framework?', args: ['my-api', '--no-install', '--no-git'] },
    { prompt: 'Project directory', args: ['--no-install', '--no-git'] },
  ])('at $prompt exits 130 and creates no directory', async ({ prompt, args }, { cwd }) => {
    await writeFile(join(cwd, 'keep.txt'), 'mine\n');
    const { exitCode, output } = await typeAtPrompt(args, {
      cwd,
      waitFor: new RegExp(prompt.replace('?', '\\?')),
      keys: ctrlC,
    });
    expect(output).toContain('Cancelled: nothing was written.');
    expect(exitCode).toBe(130);
    expect(await readdir(cwd)).toEqual(['keep.txt']);
  });
});

describe('Ctrl-C while add changes a project', () => {
  it('leaves it as it was or as add makes it, at whatever moment it comes', async ({ cwd }) => {
    const args = ['add', '--tracing', 'otlp', '--workers', '--no-install'];
    expect((await runCli(['api', '--yes', '--no-install', '--no-git'], { cwd })).exitCode).toBe(0);
    const source = join(cwd, 'api');
    const before = await pictureOf(source);
    const done = join(cwd, 'done');
    await cp(source, done, { recursive: true });
    expect((await runCli(args, { cwd: done })).exitCode).toBe(0);
    const after = await pictureOf(done);
    // from before the handler is set to after the last rename: each lands somewhere in the run
    for (const delayMs of [0, 150, 300, 450, 600, 750, 900]) {
      const dir = join(cwd, `at-${delayMs}`);
      await cp(source, dir, { recursive: true });
      const child = execa(process.execPath, [cliPath, ...args], {
        cwd: dir,
        env: cliEnv(),
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
      });
      setTimeout(() => child.kill('SIGINT'), delayMs);
      const { exitCode } = await child;
      expect([before, after], `Ctrl-C at ${delayMs} ms`).toContainEqual(await pictureOf(dir));
      // 130 when our handler undid the writes; no code when Node's own ended the process first
      expect([0, 130, undefined], `Ctrl-C at ${delayMs} ms`).toContain(exitCode);
    }
  });
});
