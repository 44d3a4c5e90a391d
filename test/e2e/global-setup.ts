// once per end-to-end run: pack the tool, generate every option set from the tarball into one
// workspace, install it once, build every app and type-check it. Test files then only check
// and probe.

import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeLine } from '../../src/options.js';
import {
  appDir,
  lineWorkspace,
  nodeOf,
  packTool,
  prepareWorkspace,
  typecheckReport,
  workDir,
  workspaceDir,
} from '../helpers/e2e.js';
import { allSets, type OptionSet } from './sets.js';

const lockFile = join(workDir, 'e2e.lock');

// one run at a time owns test/.work: a second one would delete the first one's workspace
async function takeLock(): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const holder = Number(await readFile(lockFile, 'utf8').catch(() => '0'));
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `another end-to-end run (pid ${holder}) is using ${workDir}; wait for it to finish`,
    );
  }
  await writeFile(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * the sets in two halves, one per core; an empty half (E2E_SETS naming one set) is left out,
 * since `tsc --build` without a project builds the workspace's own tsconfig.json
 */
const halves = (sets: OptionSet[]) =>
  [sets.filter((_, i) => i % 2 === 0), sets.filter((_, i) => i % 2 === 1)].filter(
    (half) => half.length > 0,
  );

/** the sets of each Node.js line, each line's in a workspace of its own */
function byLine(sets: OptionSet[]): Map<NodeLine, OptionSet[]> {
  const lines = new Map<NodeLine, OptionSet[]>();
  for (const set of sets)
    lines.set(set.answers.node, [...(lines.get(set.answers.node) ?? []), set]);
  return lines;
}

/**
 * `tsc --build` over many projects parses the shared declarations (node, fastify, zod, ...)
 * once per process instead of once per project: the same compiler and tsconfig as each app's
 * own script, at a third of the time, run by the line's Node.js. `--force`: never trust a
 * build info file.
 */
function tscBuild(sets: OptionSet[], tsconfig: string, flags: string[] = []) {
  const [first] = sets;
  if (!first) throw new Error('tscBuild needs a set');
  const workspace = lineWorkspace(first.answers.node);
  const projects = sets.map((set) => join(appDir(set), tsconfig));
  const tsc = join(workspace, 'node_modules/typescript/bin/tsc');
  return execa(nodeOf(appDir(first)), [tsc, '--build', '--force', ...flags, ...projects], {
    cwd: workspace,
    reject: false,
    all: true,
  });
}

/**
 * What `npm run build` does in every app: `tsc -p tsconfig.build.json`, then, where the app
 * compresses responses, `node dist/precompress.js public` (precompressed siblings of public/).
 * `--noCheck`: the same JavaScript (the apps' `verbatimModuleSyntax` and `isolatedModules` make
 * emit independent of types) in half the time; typecheckAll checks every file of it next.
 */
async function buildAll(): Promise<void> {
  for (const sets of byLine(allSets).values()) {
    const builds = await Promise.all(
      halves(sets).map((half) => tscBuild(half, 'tsconfig.build.json', ['--noCheck'])),
    );
    for (const build of builds) {
      if (build.exitCode !== 0) throw new Error(`building the apps failed:\n${build.all}`);
    }
    for (const set of sets) {
      if (!existsSync(join(appDir(set), 'dist/precompress.js'))) continue;
      const post = await execa(nodeOf(appDir(set)), ['dist/precompress.js', 'public'], {
        cwd: appDir(set),
        reject: false,
        all: true,
      });
      if (post.exitCode !== 0) throw new Error(`precompressing ${set.id} failed:\n${post.all}`);
    }
  }
}

/**
 * What `npm run typecheck` (`tsc --noEmit`) does in every app, its output kept for
 * apps.test.ts, which fails the set whose files it names.
 */
async function typecheckAll(): Promise<void> {
  const checks = [];
  for (const sets of byLine(allSets).values()) {
    checks.push(
      ...(await Promise.all(
        halves(sets).map((half) => tscBuild(half, 'tsconfig.json', ['--noEmit'])),
      )),
    );
  }
  const output = checks.map((check) => check.all ?? '').join('\n');
  const failed = checks.some((check) => check.exitCode !== 0);
  if (failed && !allSets.some((set) => output.includes(`apps/e2e-${set.id}/`))) {
    throw new Error(`type-checking the apps failed, in no app's file:\n${output}`);
  }
  await writeFile(typecheckReport, output);
}

export async function teardown(): Promise<void> {
  await rm(lockFile, { force: true });
}

/** `built`: dist/ is current (`npm test` builds first), so the pack does not build it again */
async function prepare({ built: distBuilt = false } = {}): Promise<void> {
  await takeLock();
  const started = Date.now();
  const tarball = await packTool({ built: distBuilt });
  // every line's workspace anew, and nothing above them that module resolution could find
  await rm(workspaceDir, { recursive: true, force: true });
  // one line after the other: each install takes both cores
  for (const [line, sets] of byLine(allSets)) await prepareWorkspace(tarball, line, sets);
  const installed = Date.now();
  await buildAll();
  const built = Date.now();
  await typecheckAll();
  // the build info files tsc --build leaves are not part of an app a user has
  await Promise.all(
    allSets.flatMap((set) => [
      rm(join(appDir(set), 'tsconfig.build.tsbuildinfo'), { force: true }),
      rm(join(appDir(set), 'dist', 'tsconfig.tsbuildinfo'), { force: true }),
    ]),
  );
  console.log(
    `e2e: ${allSets.length} apps generated and installed in ${seconds(installed - started)}, built in ${seconds(built - installed)}, type-checked in ${seconds(Date.now() - built)}`,
  );
}

/**
 * Both end-to-end projects (vitest.config.ts) name this setup, and vitest loads it once per
 * project, in the one main process: the work is shared through a global, so the workspace is
 * made once and each project waits for the same promise.
 */
const shared = Symbol.for('create-perf-app.e2e-setup');
type WithSetup = typeof globalThis & { [shared]?: Promise<void> };

export function prepareOnce(options: { built?: boolean } = {}): Promise<void> {
  const global = globalThis as WithSetup;
  return (global[shared] ??= prepare(options));
}

export default async function setup(): Promise<() => Promise<void>> {
  // `npm test` (scripts/test.ts) made the workspace before starting its vitest processes
  if (process.env['E2E_PREPARED'] === '1') {
    await access(typecheckReport).catch(() => {
      throw new Error('E2E_PREPARED is set but no workspace was made: run npm test, or unset it');
    });
    return async () => undefined;
  }
  await prepareOnce();
  return teardown;
}
