// the questions on a terminal: a project directory that cannot be used is asked again with the
// reason, and a yes/no question takes y, yes, n and no as typed.

import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { answersToFlags, defaultAnswers, optionKeys, specOf } from '../../src/options.js';
import { assertBuilt, cliTest as it } from '../helpers/cli.js';
import { runOnTerminal } from '../helpers/pty.js';

beforeAll(assertBuilt);

const enter = '\r';
const backspace = '\x7f';
const offline = ['--no-install', '--no-git'];

/** every option as a flag, so that the only questions are the ones a test leaves out */
function flagsBut(...left: string[]): string[] {
  const flags = answersToFlags(defaultAnswers());
  return left.reduce((rest, flag) => {
    const at = rest.findIndex((f) => f === `--${flag}` || f === `--no-${flag}`);
    const value = rest[at + 1];
    const takesValue = value !== undefined && !value.startsWith('--');
    return rest.filter((_, i) => i !== at && !(takesValue && i === at + 1));
  }, flags);
}

async function answersIn(dir: string): Promise<Record<string, unknown>> {
  const manifest = JSON.parse(await readFile(join(dir, '.perf-app.json'), 'utf8')) as {
    answers: Record<string, unknown>;
  };
  return manifest.answers;
}

describe.concurrent('the project directory question', () => {
  it('asks again, with the reason, for a name npm would refuse', async ({ cwd }) => {
    const { exitCode, output } = await runOnTerminal([...flagsBut(), ...offline], {
      cwd,
      steps: [
        { waitFor: /Project directory/, keys: `Bad${enter}` },
        // the question stays, with the reason under it
        {
          waitFor: /"Bad" cannot be the project's package name: .*capital letters/,
          keys: `${backspace.repeat(3)}my-api${enter}`,
        },
      ],
    });
    expect(exitCode, output).toBe(0);
    expect(await readdir(cwd)).toEqual(['my-api']);
  });

  it('asks again, with the reason, for a folder that has files', async ({ cwd }) => {
    await mkdir(join(cwd, 'taken'));
    await writeFile(join(cwd, 'taken', 'notes.md'), 'mine\n');
    const { exitCode, output } = await runOnTerminal([...flagsBut(), ...offline], {
      cwd,
      steps: [
        { waitFor: /Project directory/, keys: `taken${enter}` },
        // the question stays, with the reason under it
        {
          waitFor: /taken is not empty: pick a new directory, or run again with --force/,
          keys: `${backspace.repeat(5)}my-api${enter}`,
        },
      ],
    });
    expect(exitCode, output).toBe(0);
    expect((await readdir(cwd)).sort()).toEqual(['my-api', 'taken']);
    expect(await readdir(join(cwd, 'taken'))).toEqual(['notes.md']);
  });
});

describe.concurrent('a yes/no question', () => {
  const toggles = optionKeys.filter((key) => specOf(key).kind === 'toggle');
  const question = (flag: string) => {
    const key = toggles.find((k) => specOf(k).flag === flag);
    if (key === undefined) throw new Error(`no toggle --${flag}`);
    return new RegExp(specOf(key).message.slice(0, 20).replace(/[()?]/g, '\\$&'));
  };

  it('takes y and YES as yes, n and No as no', async ({ cwd }) => {
    // two off by default and one on: each answer moves it away from its default
    const asked = ['http-client', 'workers', 'streaming'];
    const { exitCode, output } = await runOnTerminal(
      ['my-api', ...flagsBut(...asked), ...offline],
      {
        cwd,
        steps: [
          { waitFor: question('http-client'), keys: `y${enter}` },
          { waitFor: question('workers'), keys: `YES${enter}` },
          { waitFor: question('streaming'), keys: `n${enter}` },
        ],
      },
    );
    expect(exitCode, output).toBe(0);
    expect(await answersIn(join(cwd, 'my-api'))).toMatchObject({
      httpClient: true,
      workers: true,
      streaming: false,
    });
  });

  it('takes the default on Enter, and asks again for a word that is not yes or no', async ({
    cwd,
  }) => {
    const { exitCode, output } = await runOnTerminal(
      ['my-api', ...flagsBut('workers', 'streaming'), ...offline],
      {
        cwd,
        steps: [
          { waitFor: question('workers'), keys: `maybe${enter}` },
          { waitFor: /Answer yes or no/, keys: `${backspace.repeat(5)}No${enter}` },
          { waitFor: question('streaming'), keys: enter },
        ],
      },
    );
    expect(exitCode, output).toBe(0);
    expect(await answersIn(join(cwd, 'my-api'))).toMatchObject({
      workers: false,
      streaming: true,
    });
  });
});

describe('--json on a terminal', () => {
  it('asks the missing questions on stderr, so stdout holds the one JSON object', async ({
    cwd,
  }) => {
    const out = join(cwd, 'plan.json');
    const { exitCode, output } = await runOnTerminal(
      ['my-api', ...flagsBut('workers'), ...offline, '--dry-run', '--json'],
      { cwd, stdoutTo: out, steps: [{ waitFor: /worker/i, keys: `y${enter}` }] },
    );
    expect(exitCode, output).toBe(0);
    const plan = JSON.parse(await readFile(out, 'utf8')) as { answers: Record<string, unknown> };
    expect(plan.answers).toMatchObject({ workers: true });
  });
});
