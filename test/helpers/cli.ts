// runs the built CLI (dist/src/cli.js) as a user's shell would, but without a terminal

import { execa } from 'execa';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { test } from 'vitest';
import { tempDir } from './fs.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const cliPath = join(repoRoot, 'dist/src/cli.js');

/** fails with what to do when the build output is missing or older than the sources */
export function assertBuilt(): void {
  if (!existsSync(cliPath)) {
    throw new Error(
      `${cliPath} is missing: the CLI tests run the build output. Run \`npm run build\`.`,
    );
  }
  const built = statSync(cliPath).mtimeMs;
  const sources = ['src', 'src/features', 'src/generators', 'src/render'].flatMap((dir) =>
    readdirSync(join(repoRoot, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(repoRoot, dir, name)),
  );
  const newer = sources.filter((file) => statSync(file).mtimeMs > built);
  if (newer.length > 0) {
    throw new Error(
      `dist/ is older than ${newer.map((f) => f.slice(repoRoot.length + 1)).join(', ')}: ` +
        'the CLI tests would run old code. Run `npm run build`.',
    );
  }
}

/** the environment of a CI job: CI=true, and no package manager's user agent to detect */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env['npm_config_user_agent'];
  return { ...env, ...extra };
}

export interface CliResult {
  exitCode: number | undefined;
  /** without colour codes, as a reader sees it */
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  const result = await execa(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 60_000,
  });
  if (result.timedOut) throw new Error(`create-perf-app ${args.join(' ')} timed out`);
  return {
    exitCode: result.exitCode,
    stdout: stripVTControlCharacters(result.stdout),
    stderr: stripVTControlCharacters(result.stderr),
  };
}

/**
 * `it` with a fresh, empty working folder per test (`cwd`), removed afterwards. The CLI tests
 * mostly wait on child processes, so they run concurrently and each needs its own folder.
 */
export const cliTest = test.extend<{ cwd: string }>({
  cwd: async ({ task }, use) => {
    const dir = await tempDir(`cpa-cli-${task.id}-`);
    await use(dir.path);
    await dir.cleanup();
  },
});
