/**
 * npm run typecheck:templates: type-checks what the templates generate, in a minute rather than
 * the end-to-end run's twenty.
 *
 * Every option set of the end-to-end suite (each pair of option values, and the defaults,
 * all-off and all-on of each framework) is rendered in this process, straight from the
 * templates and src/ (no build, no pack), into one npm workspace under
 * test/.work/templates/, and each app is checked with `tsc --noEmit` as its own
 * `npm run typecheck` would. The workspace's install is kept between runs and redone only when
 * the apps' dependencies change, so after the first run a broken template is reported in the
 * time tsc takes. Exit code 0 when every app type-checks, 1 otherwise, with tsc's messages.
 *
 * TEMPLATE_SETS=ID,ID checks only those sets (an unknown id lists them all).
 */

import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '../src/generate.js';
import { writeTree } from '../src/write.js';
import { allSets, type OptionSet } from '../test/e2e/sets.js';
import { workDir } from '../test/helpers/e2e.js';

const workspace = join(workDir, 'templates');
const appsDir = join(workspace, 'apps');
const stampFile = join(workspace, 'install.stamp');
const appName = (set: OptionSet) => `t-${set.id}`;

async function writeApp(set: OptionSet): Promise<string> {
  const dir = join(appsDir, appName(set));
  await writeTree(await generate(appName(set), set.answers), dir);
  return dir;
}

/** what the install depends on: every app's dependencies, by name and version */
async function dependencyStamp(dirs: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    hash.update(JSON.stringify([dir, pkg.dependencies, pkg.devDependencies]));
  }
  return hash.digest('hex');
}

async function install(dirs: string[]): Promise<'kept' | 'ran'> {
  const stamp = await dependencyStamp(dirs);
  const previous = await readFile(stampFile, 'utf8').catch(() => '');
  if (previous === stamp && existsSync(join(workspace, 'node_modules'))) return 'kept';
  await writeFile(
    join(workspace, 'package.json'),
    JSON.stringify({ name: 'templates-workspace', private: true, workspaces: ['apps/*'] }),
  );
  const result = await execa('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: workspace,
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new Error(`npm install failed:\n${result.all}`);
  await writeFile(stampFile, stamp);
  return 'ran';
}

/** `tsc --build` parses the shared declarations once per process; one process per core */
async function typecheck(dirs: string[]): Promise<{ ok: boolean; output: string }> {
  const halves = [dirs.filter((_, i) => i % 2 === 0), dirs.filter((_, i) => i % 2 === 1)];
  const runs = await Promise.all(
    halves
      .filter((half) => half.length > 0)
      .map((half) =>
        execa(
          'npx',
          [
            'tsc',
            '--build',
            '--force',
            '--noEmit',
            ...half.map((dir) => join(dir, 'tsconfig.json')),
          ],
          { cwd: workspace, reject: false, all: true },
        ),
      ),
  );
  return {
    ok: runs.every((run) => run.exitCode === 0),
    output: runs.map((run) => run.all ?? '').join('\n'),
  };
}

const wanted = process.env['TEMPLATE_SETS'] ? process.env['TEMPLATE_SETS'].split(',') : undefined;
const sets = wanted ? allSets.filter((set) => wanted.includes(set.id)) : allSets;
if (sets.length === 0) {
  console.error(
    `no set is called ${String(wanted)}; the sets are: ${allSets.map((s) => s.id).join(', ')}`,
  );
  process.exit(1);
}
const started = Date.now();
await rm(appsDir, { recursive: true, force: true });
// one at a time: each write holds a Ctrl-C handler until its tree is in place
const dirs: string[] = [];
for (const set of sets) dirs.push(await writeApp(set));
const rendered = Date.now();
const installed = await install(dirs);
const ready = Date.now();
const { ok, output } = await typecheck(dirs);
const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
console.log(
  `${sets.length} sets rendered in ${s(started, rendered)}, install ${installed} in ${s(rendered, ready)}, type-checked in ${s(ready, Date.now())}`,
);
if (!ok) {
  console.error(output.trim());
  process.exit(1);
}
console.log('every set type-checks');
