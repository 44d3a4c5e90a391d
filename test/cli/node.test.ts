// --node: the line a project is made for, by default the running Node.js's; a line past its
// end of life is named once on stderr, never in --json's stdout.

import { beforeAll, describe, expect } from 'vitest';
import { nodeLineOf } from '../../src/options.js';
import { assertBuilt, cliTest as it, runCli } from '../helpers/cli.js';

beforeAll(assertBuilt);

const endOfLife = /Node\.js 20 reached its end of life on 2026-04-30/g;

interface Plan {
  answers: { node: string };
  files: { path: string }[];
}

describe.concurrent('--node', () => {
  it('20: says once, on stderr, that the line has ended, and names the newer lines', async ({
    cwd,
  }) => {
    const { exitCode, stdout, stderr } = await runCli(['api', '--yes', '--node', '20', '--json'], {
      cwd,
    });
    expect(exitCode, stderr).toBe(0);
    expect((JSON.parse(stdout) as Plan).answers.node).toBe('20');
    expect(stderr.match(endOfLife)).toHaveLength(1);
    expect(stderr).toContain('--node 24 or --node 26');
  });

  it('26: says nothing of it', async ({ cwd }) => {
    const { exitCode, stdout, stderr } = await runCli(['api', '--yes', '--node', '26', '--json'], {
      cwd,
    });
    expect(exitCode, stderr).toBe(0);
    expect((JSON.parse(stdout) as Plan).answers.node).toBe('26');
    expect(stderr).toBe('');
  });

  it('is the running Node.js line when not given', async ({ cwd }) => {
    const { exitCode, stdout, stderr } = await runCli(['api', '--yes', '--json'], { cwd });
    expect(exitCode, stderr).toBe(0);
    const running = nodeLineOf(process.versions.node).line;
    expect((JSON.parse(stdout) as Plan).answers.node).toBe(running);
    expect(stderr.match(endOfLife) ?? []).toHaveLength(running === '20' ? 1 : 0);
  });

  it('--help gives the default as the running line', async ({ cwd }) => {
    const { stdout } = await runCli(['--help'], { cwd });
    const running = nodeLineOf(process.versions.node).line;
    expect(stdout).toMatch(
      new RegExp(
        `--node <node> +Which Node\\.js line\\? \\(default: ${running}, the line running this\\)`,
      ),
    );
  });
});
