// runs the built CLI on a pseudo-terminal, so it asks its questions, and types at it.
// util-linux `script` provides the terminal; Python's pty module where that is missing.

import { execFileSync, spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { cliEnv, cliPath } from './cli.js';

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

function hasUtilLinuxScript(): boolean {
  try {
    return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux');
  } catch {
    return false;
  }
}

/** the command that runs `argv` on a new terminal and exits with its exit code */
function onTerminal(argv: string[]): [string, string[]] {
  if (hasUtilLinuxScript()) return ['script', ['-qec', argv.map(quote).join(' '), '/dev/null']];
  const python = [
    'import os, pty, sys',
    'status = pty.spawn(sys.argv[1:])',
    'sys.exit(os.waitstatus_to_exitcode(status) % 256 if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))',
  ].join('\n');
  return ['python3', ['-c', python, ...argv]];
}

export interface TerminalRun {
  exitCode: number | null;
  /** everything the CLI drew, without colour and cursor codes */
  output: string;
}

/** what to type once the output drawn since the last keys matches `waitFor` */
export interface Keystrokes {
  waitFor: RegExp;
  keys: string;
}

/**
 * Starts the CLI with `args` on a terminal in `cwd`, types each step's `keys` once its output
 * since the step before matches the step's `waitFor`, and resolves when it exits. Kills the
 * whole process group after `timeoutMs`.
 */
export function runOnTerminal(
  args: string[],
  options: {
    cwd: string;
    steps: Keystrokes[];
    env?: Record<string, string>;
    timeoutMs?: number;
    /** the CLI's stdout goes to this file instead of the terminal, as in `... --json > out.json` */
    stdoutTo?: string;
  },
): Promise<TerminalRun> {
  const cli = [process.execPath, cliPath, ...args];
  const [command, commandArgs] = onTerminal(
    options.stdoutTo === undefined
      ? cli
      : ['sh', '-c', `${cli.map(quote).join(' ')} > ${quote(options.stdoutTo)}`],
  );
  const child = spawn(command, commandArgs, {
    cwd: options.cwd,
    env: cliEnv({ TERM: 'xterm-256color', ...options.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
    // a group of its own, so a timeout can end the terminal and the CLI under it together
    detached: true,
  });
  const steps = [...options.steps];
  let raw = '';
  // where the output of the current step starts: an answer's echo must not satisfy the next step
  let from = 0;
  return new Promise<TerminalRun>((resolve, reject) => {
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timeoutMs = options.timeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      killGroup();
      const waiting = steps[0] ? `never saw ${steps[0].waitFor}` : 'after typing';
      reject(
        new Error(
          `no exit within ${timeoutMs} ms (${waiting}); output:\n${stripVTControlCharacters(raw)}`,
        ),
      );
    }, timeoutMs);
    const onOutput = (chunk: Buffer) => {
      raw += chunk.toString('utf8');
      const step = steps[0];
      if (step && step.waitFor.test(stripVTControlCharacters(raw.slice(from)))) {
        steps.shift();
        from = raw.length;
        child.stdin.write(step.keys);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      killGroup();
      resolve({ exitCode: code, output: stripVTControlCharacters(raw) });
    });
  });
}

/** `runOnTerminal` with one step: wait for `waitFor`, type `keys` */
export function typeAtPrompt(
  args: string[],
  options: { cwd: string; waitFor: RegExp; keys: string; timeoutMs?: number },
): Promise<TerminalRun> {
  const { waitFor, keys, ...rest } = options;
  return runOnTerminal(args, { ...rest, steps: [{ waitFor, keys }] });
}
