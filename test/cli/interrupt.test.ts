// Ctrl-C at a question ends the CLI with exit code 130 and leaves nothing behind.
// It needs a terminal: the questions are only asked when stdin and stdout are one.

import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { assertBuilt, cliTest as it } from '../helpers/cli.js';
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
