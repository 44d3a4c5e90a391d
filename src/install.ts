// the package manager's presence and install, and git, through execa (imported by the functions
// that run a program, so that a run with --no-install --no-git never loads it)

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import type { PackageManager } from './args.js';
import { installArgs, packageManagerField } from './package-manager.js';

const howToGet: Record<PackageManager, string> = {
  npm: 'npm comes with Node.js: reinstall Node.js from https://nodejs.org',
  pnpm: 'Get it with `corepack enable pnpm` (corepack comes with Node.js 20 and 22) or `npm install --global pnpm`',
  yarn: 'Get it with `corepack enable yarn` (corepack comes with Node.js 20 and 22); the project pins Yarn 4, which a global Yarn 1 does not run',
};

/**
 * Resolves when `pm` runs here; otherwise returns what to tell the user, so that a project is
 * never written only to fail at its install. It asks in a folder of its own whose package.json
 * pins the release the project will (corepack fetches that one, once), so a manager the pin
 * rules out (a global Yarn 1) is found here too, and the user's own project is not consulted.
 */
export async function missingPackageManager(pm: PackageManager): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'create-perf-app-pm-'));
  try {
    const packageManager = packageManagerField(pm);
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'probe', private: true, ...(packageManager && { packageManager }) }),
    );
    const { execa } = await import('execa');
    const probe = await execa(pm, ['--version'], {
      cwd: dir,
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
    if (!probe.failed) return undefined;
    const lines = probe.stderr.trim().split('\n');
    const said = (lines.find((line) => /error/i.test(line)) ?? lines[0] ?? '').trim();
    const failed = `(\`${pm} --version\`${packageManager ? ` for ${packageManager}` : ''} failed)`;
    const what =
      (probe as { code?: string }).code === 'ENOENT'
        ? `${pm} is not installed here ${failed}.`
        : `${pm} does not run here ${failed}${said ? `: ${said}` : '.'}`;
    return `${what} ${howToGet[pm]}, then run this again; or pass --pm npm, or --no-install to install later.`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type InstallResult =
  | { status: 'done'; seconds: number }
  | { status: 'failed'; reason: string }
  | { status: 'interrupted' };

/** a duration for a person: `14.2 s` */
export const formatSeconds = (seconds: number): string => `${seconds.toFixed(1)} s`;

/**
 * Runs `<pm> install` with a line that shows it is alive: on a terminal a ticking one, erased
 * at the end for the caller's line with the total time. Resolves to the output's tail on
 * failure, so the caller can say what went wrong without hiding the project.
 */
export async function installDependencies(pm: PackageManager, cwd: string): Promise<InstallResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const { execa } = await import('execa');
  const subprocess = execa(pm, installArgs(pm), { cwd, all: true, reject: false, stdin: 'ignore' });
  // Ctrl-C on a terminal reaches the package manager too, but a SIGINT sent to this process
  // alone would leave it installing after we exit: stop it either way (SIGTERM, then SIGKILL
  // after execa's 5 s). A second Ctrl-C meanwhile ends this process at once. Set before the
  // line below is printed, so that a Ctrl-C at the sight of it finds the handler there.
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    subprocess.kill();
  };
  process.once('SIGINT', onSignal);

  const tty = process.stdout.isTTY;
  const line = () =>
    `  ${pc.dim(`installing dependencies with ${pm}…${tty ? ` ${Math.round(seconds())}s` : ''}`)}`;
  if (tty) process.stdout.write(line());
  else console.log(line());
  const ticker = tty ? setInterval(() => process.stdout.write(`\r${line()}`), 1000) : undefined;
  try {
    const result = await subprocess;
    // on a terminal the package manager may be seen ending of the Ctrl-C before our handler runs
    if (interrupted || result.signal === 'SIGINT') return { status: 'interrupted' };
    if (result.failed) {
      const tail = (result.all ?? result.shortMessage ?? '')
        .trim()
        .split('\n')
        .slice(-15)
        .join('\n');
      return { status: 'failed', reason: tail || result.shortMessage || `${pm} install failed` };
    }
    return { status: 'done', seconds: seconds() };
  } finally {
    process.off('SIGINT', onSignal);
    clearInterval(ticker);
    // the terminal's own methods: node:readline would load some ten modules for these two
    if (tty) {
      process.stdout.clearLine(0);
      process.stdout.cursorTo(0);
    }
  }
}

/** true when `dir` is already inside a git work tree (then the project is not made a repo of its own) */
export async function insideGitRepo(dir: string): Promise<boolean> {
  const { execa } = await import('execa');
  const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], {
    cwd: dir,
    reject: false,
  });
  return !result.failed && result.stdout.trim() === 'true';
}

/** git init and a first commit; a missing git or identity is a warning, never a failure */
export async function initGit(cwd: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const steps: string[][] = [
    ['init', '--quiet'],
    ['add', '--all'],
    ['commit', '--quiet', '--no-verify', '--message', 'Initial commit from create-perf-app'],
  ];
  const { execa } = await import('execa');
  for (const args of steps) {
    const result = await execa('git', args, { cwd, reject: false, stdin: 'ignore' });
    if (result.failed)
      return {
        ok: false,
        reason: `git ${args[0] ?? ''}: ${(result.stderr || result.shortMessage || '').trim()}`,
      };
  }
  return { ok: true };
}
