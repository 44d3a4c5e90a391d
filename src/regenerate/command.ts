// create-perf-app add | remove | update | route, in an existing project: render the project
// with its new answers, routes or this version, plan each file against the user's and the
// merge base, show or write the plan at once, then install when package.json changed.

import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';
import type { RegenerateRequest } from '../args.js';
import { CliError, UsageError, exitCodes } from '../errors.js';
import { filesWithMarkers } from '../check.js';
import { generate } from '../generate.js';
import { formatSeconds, installDependencies } from '../install.js';
import {
  basePath,
  isBookkeeping,
  manifestPath,
  readBase,
  readManifest,
  type Manifest,
} from '../manifest.js';
import { checkRoute, routeNames } from '../routes.js';
import { checkRules, describeValue, offValue, type Answers } from '../options.js';
import { generator } from '../paths.js';
import { applyChanges, changesOf } from './apply.js';
import { planSteps, type Content, type Step } from './plan.js';

export async function regenerate(request: RegenerateRequest): Promise<number> {
  const root = resolve(request.cwd);
  const manifest = await readManifest(root);

  // 1. the answers this command renders, checked as create checks them
  const answers = nextAnswers(request, manifest.answers);
  const broken = checkRules(answers);
  if (broken.length > 0) throw new UsageError(broken.join('\n'));
  const routes = [...manifest.routes];
  if (request.route) {
    const wrong = checkRoute(request.route, answers, routes);
    if (wrong) throw new UsageError(wrong);
    routes.push(request.route);
  }
  const cachedRoute = routes.find((route) => route.cached);
  if (cachedRoute && answers.cache === 'none') {
    throw new UsageError(
      `The route ${cachedRoute.name} is cached, so the project keeps a cache: choose another --cache, or leave it.`,
    );
  }

  // 2. nothing is planned over unresolved conflicts or uncommitted work
  const conflicted = await filesWithMarkers(root, Object.keys(manifest.files));
  if (conflicted.length > 0) {
    throw new CliError(
      `Conflict markers are still in ${conflicted.join(', ')}.`,
      exitCodes.failure,
      `Resolve them (keep the lines you want, delete the <<<<<<< ======= >>>>>>> lines), then run this again. \`${generator.name} check\` lists them.`,
    );
  }
  if (!request.dryRun && !request.allowDirty) await refuseDirtyTree(root);

  // 3. the merge base: what was generated last time
  const base = (await readBase(root)) ?? (await rerenderedBase(manifest));

  // 4. the plan
  const tree = await generate(manifest.name, answers, routes, manifest.packageManager);
  const next = new Map<string, Content>(
    tree
      .files()
      .filter((f) => !isBookkeeping(f.path))
      .map((f) => [f.path, f.content]),
  );
  const disk = new Map<string, Buffer | undefined>();
  for (const path of new Set([...base.keys(), ...next.keys()])) {
    disk.set(path, await readFile(join(root, path)).catch(() => undefined));
  }
  const title = commandLine(request, manifest.answers, answers);
  const labels = { ours: 'yours', theirs: `${generator.name} ${generator.version} (${title})` };
  const steps = await keepImportedDependencies(root, planSteps(disk, base, next, labels), disk);
  const bookkeeping = await changedBookkeeping(root, [
    { path: basePath, content: tree.get(basePath)?.content },
    { path: manifestPath, content: tree.get(manifestPath)?.content },
  ]);

  if (request.json) {
    console.log(
      JSON.stringify(
        {
          command: title,
          answers,
          steps: steps.map(({ path, action, reason }) => ({ path, action, reason })),
        },
        null,
        2,
      ),
    );
    return exitCodes.ok;
  }
  if (request.dryRun) {
    printDiff(steps, disk);
    printSummary(title, steps, 'would');
    return exitCodes.ok;
  }

  // 5. everything at once, the manifest and base last
  const writes = steps.filter((step) => step.content !== undefined || step.action === 'delete');
  if (writes.length === 0 && bookkeeping.length === 0) {
    console.log(`${pc.green('✔')} ${title}: nothing to change`);
    return exitCodes.ok;
  }
  await applyChanges(root, changesOf(steps, bookkeeping));
  printSummary(title, steps, 'did');

  // 6. install when the dependencies changed
  const packageChanged = steps.some(
    (step) => step.path === 'package.json' && step.content !== undefined,
  );
  if (packageChanged && request.install) {
    const pm = manifest.packageManager;
    const installed = await installDependencies(pm, root);
    if (installed.status === 'interrupted') {
      throw new CliError(
        'Cancelled during the install: the project was updated, its dependencies are not installed.',
        exitCodes.interrupted,
        `Finish by hand: ${pm} install`,
      );
    }
    if (installed.status === 'failed') {
      throw new CliError(
        `The project was updated, but installing with ${pm} failed:\n${installed.reason}`,
        exitCodes.failure,
        `Finish by hand: ${pm} install`,
      );
    }
    console.log(
      `  ${pc.green('✔')} dependencies installed with ${pm} in ${formatSeconds(installed.seconds)}`,
    );
  }

  const clashes = steps.filter((step) => step.action === 'conflict').map((step) => step.path);
  if (clashes.length > 0) {
    console.log(
      `${pc.red('✖')} ${clashes.length} ${clashes.length === 1 ? 'file has' : 'files have'} conflicts to resolve: ${clashes.join(', ')}`,
    );
    console.log(
      `  Keep the lines you want between the markers, then run \`${generator.name} check\`.`,
    );
    return exitCodes.failure;
  }
  return exitCodes.ok;
}

const sourceFile = /\.(?:[cm]?[jt]s|tsx)$/;
const skipped = new Set(['node_modules', 'dist', '.git', 'coverage', '.nginx']);

/** the code files of the project as they will be once the plan is written */
async function codeAfter(root: string, steps: Step[]): Promise<string[]> {
  const planned = new Map(steps.map((step) => [step.path, step]));
  const texts: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (skipped.has(entry.name)) continue;
      const path = prefix + entry.name;
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${path}/`);
      else if (sourceFile.test(entry.name)) {
        const step = planned.get(path);
        if (step?.action === 'delete') continue;
        texts.push(
          typeof step?.content === 'string'
            ? step.content
            : await readFile(join(dir, entry.name), 'utf8'),
        );
      }
    }
  };
  await walk(root, '');
  for (const step of steps) {
    if (
      step.action === 'create' &&
      typeof step.content === 'string' &&
      sourceFile.test(step.path)
    ) {
      texts.push(step.content);
    }
  }
  return texts;
}

const imports = (code: string, name: string) =>
  new RegExp(
    `(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*|import\\s+)['"]${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:/[^'"]*)?['"]`,
  ).test(code);

/**
 * A dependency the new package.json drops stays, at the version the project had, while code
 * of the project (the user's, or a generated file they kept) still imports it.
 */
async function keepImportedDependencies(
  root: string,
  steps: Step[],
  disk: ReadonlyMap<string, Buffer | undefined>,
): Promise<Step[]> {
  const step = steps.find((s) => s.path === 'package.json' && typeof s.content === 'string');
  const before = disk.get('package.json');
  if (step === undefined || before === undefined || typeof step.content !== 'string') return steps;
  type Deps = Record<string, Record<string, string> | undefined>;
  let had: Deps;
  let next: Deps;
  try {
    had = JSON.parse(before.toString()) as Deps;
    next = JSON.parse(step.content) as Deps;
  } catch {
    return steps; // a package.json with conflict markers is left to the user
  }
  const code = await codeAfter(root, steps);
  const kept: string[] = [];
  for (const field of ['dependencies', 'devDependencies'] as const) {
    for (const [name, version] of Object.entries(had[field] ?? {})) {
      if (next[field]?.[name] !== undefined) continue;
      if (!code.some((text) => imports(text, name))) continue;
      next[field] = Object.fromEntries(
        Object.entries({ ...next[field], [name]: version }).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      kept.push(name);
    }
  }
  if (kept.length === 0) return steps;
  const content = `${JSON.stringify(next, null, 2)}\n`;
  return steps.map((s) =>
    s === step
      ? {
          ...s,
          content,
          reason: `${s.reason}; kept ${kept.join(', ')}: your code imports ${kept.length === 1 ? 'it' : 'them'}`,
        }
      : s,
  );
}

function nextAnswers(request: RegenerateRequest, recorded: Answers): Answers {
  if (request.command === 'add') return { ...recorded, ...request.given };
  if (request.command === 'remove') {
    const answers: Record<string, unknown> = { ...recorded };
    for (const key of request.remove) answers[key] = offValue(key);
    return answers as Answers;
  }
  return recorded;
}

/** how the plan is named, in the markers' label and the summary */
function commandLine(request: RegenerateRequest, before: Answers, after: Answers): string {
  if (request.command === 'update') return 'update';
  if (request.route) {
    const { method, cached } = request.route;
    return `route ${request.route.name}${method === 'GET' ? '' : ` --method ${method}`}${cached ? ' --cached' : ''} (${routeNames(request.route).path})`;
  }
  const changed = (Object.keys(after) as (keyof Answers)[]).filter(
    (key) => after[key] !== before[key],
  );
  if (changed.length === 0) return `${request.command}: the project already has these answers`;
  return `${request.command} ${changed.map((key) => describeValue(key, after[key])).join(' ')}`;
}

async function refuseDirtyTree(root: string): Promise<void> {
  const status = await execa('git', ['status', '--porcelain', '--', '.'], {
    cwd: root,
    reject: false,
  });
  if (status.failed) return; // not a git repository: nothing to compare with
  if (status.stdout.trim() !== '') {
    throw new CliError(
      `${root} has changes git has not committed.`,
      exitCodes.failure,
      'Commit or stash them first, so that what this command changes can be read and undone apart from them; or pass --allow-dirty.',
    );
  }
}

/** a project made before the base was kept: the same version renders what it wrote then */
async function rerenderedBase({
  generator: { version },
  name,
  answers,
  routes,
  packageManager,
}: Manifest): Promise<Map<string, Content>> {
  if (version !== generator.version) {
    throw new CliError(
      `${basePath} is missing, and ${generator.name} ${generator.version} cannot rebuild what ${version} generated.`,
      exitCodes.failure,
      `Restore it from git, or run ${generator.name}@${version} for this command.`,
    );
  }
  // the files alone: the base made again would be dropped with the manifest below
  const tree = await generate(name, answers, routes, packageManager, { withBase: false });
  return new Map(
    tree
      .files()
      .filter((f) => !isBookkeeping(f.path))
      .map((f) => [f.path, f.content]),
  );
}

/** the bookkeeping files whose bytes change; none when the command changes nothing */
async function changedBookkeeping(
  root: string,
  files: { path: string; content: Content | undefined }[],
) {
  const changed: { path: string; content: Content }[] = [];
  for (const { path, content } of files) {
    if (content === undefined) continue;
    const now = await readFile(join(root, path)).catch(() => undefined);
    if (!now?.equals(Buffer.from(content))) changed.push({ path, content });
  }
  return changed;
}

const actionColor: Record<Step['action'], (text: string) => string> = {
  create: pc.green,
  update: pc.cyan,
  merge: pc.cyan,
  conflict: pc.red,
  delete: pc.yellow,
  keep: pc.dim,
  'skip-deleted': pc.dim,
  beside: pc.yellow,
};

function printSummary(title: string, steps: Step[], mood: 'would' | 'did'): void {
  console.log(`${title}${mood === 'would' ? ' (dry run: nothing written)' : ''}`);
  for (const step of steps) {
    console.log(
      `  ${actionColor[step.action](step.action.padEnd(12))} ${step.path}  ${pc.dim(step.reason)}`,
    );
  }
}

/** a unified diff of what each write would do, for --dry-run */
function printDiff(steps: Step[], disk: ReadonlyMap<string, Buffer | undefined>): void {
  for (const step of steps) {
    if (step.content === undefined && step.action !== 'delete') continue;
    const path = step.action === 'beside' ? `${step.path}.new` : step.path;
    const before = step.action === 'beside' ? undefined : disk.get(step.path);
    const after = step.action === 'delete' ? undefined : step.content;
    if (typeof after !== 'string' && after !== undefined) {
      console.log(`Binary ${path} ${before === undefined ? 'created' : 'changed'}`);
      continue;
    }
    console.log(
      createTwoFilesPatch(
        before === undefined ? '/dev/null' : `a/${path}`,
        after === undefined ? '/dev/null' : `b/${path}`,
        before?.toString() ?? '',
        after ?? '',
        '',
        '',
        { context: 3 },
      ),
    );
  }
}
