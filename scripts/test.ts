// `npm test`, after build: lint, type-check and every vitest project, in two lanes side by side.
// The end-to-end workspace is made once here (three installs, a build and a type-check of every
// app), while the first lane runs what needs none: the lint, the tool's type-check and the unit
// tests. Then that lane runs the end-to-end files and the other lane the apps' own checks
// (test/e2e/apps.test.ts, two sets at a time) and the regeneration e2e, so that the two lanes end
// about together. (vitest's --exclude did not take files out of a project's run: the first lane
// names its files.) The whole run keeps both cores busy (85% in CI): work moved into the
// workspace's time slows the workspace by as much (the CLI tests on Node.js 26 there ended the
// run a minute later).
// One vitest process with both e2e projects ran them one after the other (vitest 4 schedules a
// project that runs its files one at a time after the others), which took ten minutes more.
// The first lane then runs the CLI tests again on Node.js 26, the newest line the tool makes
// projects for: they run the built CLI with the Node.js that runs them. The other unit tests
// render in memory, the same on every line.
// It ends with each run's exit code and, for one that failed, the tests and errors it
// reported, so that the tail of a CI log says what failed.

import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeLine } from '../src/options.js';
import { prepareOnce, teardown } from '../test/e2e/global-setup.js';
import { nodeBinary, repoRoot } from '../test/helpers/e2e.js';

/**
 * a vitest process: its projects (only the `files` of them, when given), on the Node.js running
 * this or on a line's; `workspace`: it needs the end-to-end workspace
 */
interface VitestRun {
  projects: string[];
  files?: string[];
  node?: NodeLine;
  workspace?: boolean;
}

/** another command of the repo's, with a name for its lines */
interface CommandRun {
  name: string;
  command: string[];
}

type Run = VitestRun | CommandRun;

/** the end-to-end files the second lane runs after the apps; the first lane runs the others */
const installing = ['test/e2e/regenerate.test.ts'];
const otherE2e = readdirSync(join(repoRoot, 'test/e2e'))
  .filter((name) => name.endsWith('.test.ts') && name !== 'apps.test.ts')
  .map((name) => `test/e2e/${name}`)
  .filter((file) => !installing.includes(file));

const lanes: { name: string; runs: Run[] }[] = [
  {
    name: 'unit+e2e',
    runs: [
      { name: 'lint', command: ['npm', 'run', 'lint'] },
      { name: 'tsc', command: ['npx', 'tsc', '--noEmit'] },
      { projects: ['unit'] },
      { projects: ['e2e'], files: otherE2e, workspace: true },
      { projects: ['unit'], files: ['test/cli/'], node: '26' },
    ],
  },
  {
    name: 'apps',
    runs: [
      { projects: ['e2e-apps'], workspace: true },
      { projects: ['e2e'], files: installing, workspace: true },
    ],
  },
];

/**
 * what each run reported failing (a failed test, its file, the error's first line), printed
 * again at the end: CI's log may keep only its tail, where the lanes' lines are interleaved
 */
const failures = new Map<string, string[]>();
const failureLine = /^\s*(×|FAIL\s|\w*Error\b)/;
const shownPerRun = 40;
// eslint-disable-next-line no-control-regex -- the colors' escape sequences
const colors = /\x1b\[[0-9;]*m/g;

function noteFailure(name: string, line: string): void {
  const plain = line.replace(colors, '');
  if (!failureLine.test(plain)) return;
  const noted = failures.get(name) ?? [];
  if (noted.length < shownPerRun) noted.push(plain.trim());
  failures.set(name, noted);
}

/** each line of a lane's output, with the lane's name in front once both lanes print */
function pipe(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) {
  let partial = '';
  const write = (line: string) => {
    out.write(`[${name}] ${line}\n`);
    noteFailure(name, line);
  };
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) write(line);
  });
  stream?.on('end', () => partial && write(partial));
}

const vitest = join(repoRoot, 'node_modules/vitest/vitest.mjs');

const started = Date.now();
// `npm test` built dist/ before this: the pack takes it as it is, so the CLI tests that run
// meanwhile never meet a dist/ being rewritten
const workspace = prepareOnce({ built: true });
// a failed preparation is reported by the first run that waits for it
workspace.catch(() => undefined);

/** every run's label and exit code, in the order they ended */
const ended: { label: string; exitCode: number | undefined }[] = [];

function report(label: string, exitCode: number | undefined): number {
  console.log(
    `[${label}] exited ${String(exitCode)} after ${Math.round((Date.now() - started) / 1000)} s`,
  );
  ended.push({ label, exitCode });
  return exitCode ?? 1;
}

async function runCommand(lane: string, { name, command }: CommandRun): Promise<number> {
  const label = `${lane} ${name}`;
  const [file = '', ...args] = command;
  const child = execa(file, args, {
    cwd: repoRoot,
    env: { FORCE_COLOR: process.env['FORCE_COLOR'] ?? '0' },
    reject: false,
    stdin: 'ignore',
  });
  pipe(label, child.stdout, process.stdout);
  pipe(label, child.stderr, process.stderr);
  return report(label, (await child).exitCode);
}

async function runVitest(lane: string, run: VitestRun): Promise<number> {
  const { projects, files = [], node } = run;
  const label = node ? `${lane} node ${node}` : lane;
  if (run.workspace) {
    try {
      await workspace;
    } catch (error) {
      console.error(`[${label}] the end-to-end workspace could not be made:`, error);
      failures.set(label, ['the end-to-end workspace could not be made (above)']);
      return report(label, 1);
    }
  }
  const child = execa(
    node ? await nodeBinary(node) : process.execPath,
    [vitest, 'run', ...projects.flatMap((project) => ['--project', project]), ...files],
    {
      // the workspace is ready: the lanes' global setup only checks it
      env: { E2E_PREPARED: '1', FORCE_COLOR: process.env['FORCE_COLOR'] ?? '0' },
      reject: false,
      stdin: 'ignore',
    },
  );
  pipe(label, child.stdout, process.stdout);
  pipe(label, child.stderr, process.stderr);
  return report(label, (await child).exitCode);
}

const runs = lanes.map(async ({ name, runs: laneRuns }, index) => {
  // the second lane a moment later, so that the two do not load vitest on the same core at once
  await sleep(index * 2000);
  const codes: number[] = [];
  for (const run of laneRuns) {
    codes.push(await ('command' in run ? runCommand(name, run) : runVitest(name, run)));
  }
  return codes.every((code) => code === 0) ? 0 : 1;
});
const codes = await Promise.all(runs);
await workspace.catch(() => undefined);
await teardown();

// the summary, last: each run's exit code and, for one that failed, what it reported failing
console.log('\n== npm test: each run');
for (const { label, exitCode } of ended) {
  console.log(`  ${exitCode === 0 ? 'ok    ' : 'FAILED'} [${label}] exit code ${String(exitCode)}`);
  if (exitCode !== 0)
    for (const line of failures.get(label) ?? []) console.log(`           ${line}`);
}
process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
