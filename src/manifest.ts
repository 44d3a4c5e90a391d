// .perf-app.json: what a later add, remove or update needs to know about the project:
// the answers it was made with, the generator version, and each generated file's owner and hash.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { packageManagers, type PackageManager } from './args.js';
import { CliError, exitCodes } from './errors.js';
import { projectPackageManager } from './package-manager.js';
import { optionKeys, specOf, unrecordedValue, type Answers, type OptionKey } from './options.js';
import { generator } from './paths.js';
import { readRoutes, type RouteSpec } from './routes.js';
import type { Project } from './render/project.js';
import type { Tree, TreeFile } from './tree.js';

export const manifestPath = '.perf-app.json';
/**
 * Every generated file as it was written, gzipped: the merge base of the next add, remove or
 * update, which three-way merges each file the user edited. Without it only the same
 * generator version could tell what it wrote (by rendering again).
 */
export const basePath = '.perf-app.base.json.gz';

/** the tool's own record of the project, never a generated file of it */
export const isBookkeeping = (path: string): boolean => path === manifestPath || path === basePath;

export interface Manifest {
  $schema: string;
  generator: { name: string; version: string };
  /** the package name the project was generated with; a later render uses it again */
  name: string;
  answers: Answers;
  /** the routes made by `create-perf-app route`, rendered with the project */
  routes: RouteSpec[];
  /** the manager the project is written for and installed with */
  packageManager: PackageManager;
  files: Record<string, { feature: string; hash: string }>;
}

export function hashContent(content: string | Buffer): string {
  return `sha256-${createHash('sha256').update(content).digest('base64')}`;
}

export function buildManifest(
  tree: Tree,
  name: string,
  answers: Answers,
  routes: readonly RouteSpec[] = [],
  packageManager: PackageManager = 'npm',
): Manifest {
  const files: Manifest['files'] = {};
  for (const file of tree.files()) {
    if (!isBookkeeping(file.path))
      files[file.path] = { feature: file.owner, hash: hashContent(file.content) };
  }
  return {
    $schema: `https://unpkg.com/${generator.name}@${generator.version}/schema/perf-app.schema.json`,
    generator,
    name,
    // in the option model's order, however they were put together
    answers: Object.fromEntries(optionKeys.map((key) => [key, answers[key]])) as Answers,
    routes: [...routes],
    packageManager,
    files,
  };
}

/** a file of the base: text as it is, bytes in base64 */
type BaseEntry = { text: string } | { base64: string };

function baseJson(tree: Tree): string {
  const files: Record<string, BaseEntry> = {};
  for (const file of tree.files()) {
    if (isBookkeeping(file.path)) continue;
    files[file.path] =
      typeof file.content === 'string'
        ? { text: file.content }
        : { base64: file.content.toString('base64') };
  }
  return JSON.stringify({ files });
}

const gzipInPool = promisify(gzip);

/**
 * The base of the project in `tree`, deterministic (the same tree gives the same bytes),
 * deflated in libuv's thread pool rather than on the main thread: create writes a new
 * project's other files meanwhile (writeTree), so its largest single step (8-10 ms of 86 for
 * the defaults) overlaps the writes. zlib's default level: within 0.4% of level 9's size here,
 * in half its time (7 ms vs 14 ms for the defaults' 340 kB).
 */
export async function deflateBase(tree: Tree): Promise<TreeFile> {
  const json = Buffer.from(baseJson(tree));
  // an output buffer that holds the whole result makes it one job in the pool: with zlib's
  // 16 kB default, each next chunk waits for the main thread, busy writing files
  const content = await gzipInPool(json, { chunkSize: Math.max(json.length, 64 * 1024) });
  return { path: basePath, content, owner: 'base' };
}

/** the files of a project's base, or undefined when it has none (or one that cannot be read) */
export async function readBase(root: string): Promise<Map<string, string | Buffer> | undefined> {
  try {
    const { files } = JSON.parse(gunzipSync(await readFile(join(root, basePath))).toString()) as {
      files: Record<string, BaseEntry>;
    };
    return new Map(
      Object.entries(files).map(([path, entry]) => [
        path,
        'text' in entry ? entry.text : Buffer.from(entry.base64, 'base64'),
      ]),
    );
  } catch {
    return undefined;
  }
}

/** the manifest, and the base unless the caller makes it (create, with deflateBase) */
export async function renderManifest(tree: Tree, project: Project, withBase = true): Promise<void> {
  const { name, answers, routes, packageManager } = project;
  if (withBase) tree.addFile(await deflateBase(tree));
  tree.add(
    manifestPath,
    `${JSON.stringify(buildManifest(tree, name, answers, routes, packageManager), null, 2)}\n`,
    'base',
  );
}

/** what is wrong with a project's manifest, said so that its owner can act on it */
export class ManifestError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, exitCodes.usage, hint);
    this.name = 'ManifestError';
  }
}

/**
 * The manifest of the project in `root`, checked. An option it does not name (one added to the
 * generator after the project was made) gets its off value, so the project renders as before.
 */
export async function readManifest(root: string): Promise<Manifest> {
  const path = join(root, manifestPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ManifestError(
      `${root} has no ${manifestPath}, so it is not a project made by create-perf-app.`,
      'Run this in the folder create-perf-app made (where .perf-app.json is), or pass --cwd DIR.',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${path} is not valid JSON: ${(error as Error).message}.`, restoreHint);
  }
  const manifest = data as Partial<Manifest> | null;
  if (
    manifest?.generator?.name !== generator.name ||
    typeof manifest.generator.version !== 'string'
  ) {
    throw new ManifestError(`${path} was not written by ${generator.name}.`, restoreHint);
  }
  if (typeof manifest.files !== 'object' || manifest.files === null) {
    throw new ManifestError(`${path} has no "files" record.`, restoreHint);
  }
  return {
    $schema: manifest.$schema ?? '',
    generator: manifest.generator,
    name: typeof manifest.name === 'string' ? manifest.name : await packageName(root),
    answers: readAnswers(manifest.answers, path),
    routes: recordedRoutes(manifest.routes, path),
    packageManager: recordedPackageManager(manifest.packageManager, root, path),
    files: manifest.files,
  };
}

function recordedRoutes(recorded: unknown, path: string): RouteSpec[] {
  const routes = readRoutes(recorded);
  if (typeof routes === 'string') throw new ManifestError(`${path}: ${routes}.`, restoreHint);
  return routes;
}

/** the manager the manifest names; one made before it was recorded tells by its files */
function recordedPackageManager(recorded: unknown, root: string, path: string): PackageManager {
  if (recorded === undefined) return projectPackageManager(root);
  if (!(packageManagers as readonly unknown[]).includes(recorded)) {
    throw new ManifestError(
      `${path}: ${JSON.stringify(recorded)} is not a package manager this version supports (${packageManagers.join(', ')}).`,
      restoreHint,
    );
  }
  return recorded as PackageManager;
}

const restoreHint = 'Restore it from version control (git checkout -- .perf-app.json).';

function readAnswers(recorded: unknown, path: string): Answers {
  if (typeof recorded !== 'object' || recorded === null) {
    throw new ManifestError(`${path} has no "answers" record.`, restoreHint);
  }
  const answers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(recorded)) {
    if (!(optionKeys as readonly string[]).includes(key)) {
      throw new ManifestError(
        `${path} names an option this version of ${generator.name} does not know: "${key}".`,
        `Run a version at least as new as the one that made the project (${generator.name}@latest).`,
      );
    }
    const spec = specOf(key as OptionKey);
    const valid =
      spec.kind === 'toggle'
        ? typeof value === 'boolean'
        : spec.choices.some((choice) => choice.value === value);
    if (!valid) {
      throw new ManifestError(
        `${path}: ${JSON.stringify(value)} is not a value of "${key}".`,
        restoreHint,
      );
    }
    answers[key] = value;
  }
  for (const key of optionKeys) answers[key] ??= unrecordedValue(key);
  return answers as Answers;
}

// manifests written before the name was recorded: the package name, which was the same
async function packageName(root: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8').catch(() => '{}')) as {
    name?: unknown;
  };
  if (typeof pkg.name !== 'string') {
    throw new ManifestError(`${join(root, manifestPath)} names no project.`, restoreHint);
  }
  return pkg.name;
}
