// the files every feature adds to rather than owns: package.json, .gitignore, .env.example,
// and the README's technique glossary, made once every file is rendered.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageManager } from '../args.js';
import { inManagerWords, packageManagerField, runScript } from '../package-manager.js';
import { templatesDir } from '../paths.js';
import { techniques } from '../techniques.js';
import type { Tree } from '../tree.js';
import type { NodeLine } from '../options.js';
import { heldBack, node, versionOf, type PackageName } from '../versions.js';
import { envOf, envSpelling } from './env.js';
import { contributionsOf, preloadsOf, type Project } from './project.js';
import { alignTables } from './tidy.js';

/**
 * A script that runs one of the project's entries (the server's `main`, the job worker's
 * `worker`), built (`dist/main.js`) or from source with tsx (`src/main.ts`), loads the preload
 * modules first: `node dist/main.js` becomes
 * `node --import ./dist/perf/tracing/register.js dist/main.js`.
 */
export function withPreloads(command: string, preloads: readonly string[]): string {
  if (preloads.length === 0) return command;
  const imports = (dir: string, ext: string) =>
    preloads.map((module) => `--import ./${dir}/${module}.${ext}`).join(' ');
  return command
    .replace(/(?<=^|\s)dist\/(main|worker)\.js(?=\s|$)/g, `${imports('dist', 'js')} dist/$1.js`)
    .replace(/(?<=^|\s)src\/(main|worker)\.ts(?=\s|$)/g, `${imports('src', 'ts')} src/$1.ts`);
}

function sortedRecord(names: Iterable<PackageName>, line: NodeLine): Record<string, string> {
  return Object.fromEntries(
    [...new Set(names)].sort().map((name) => [name, versionOf(name, line)]),
  );
}

/**
 * The scripts of every feature, in the project's manager's words: `npm run X` as its manager
 * runs X; a `postX` script at the end of X, since yarn runs no such hooks; and for yarn, whose
 * own shell has no `exec` and passes signals on itself, without the `exec` (RUN-2).
 */
export function scriptsOf(project: Project): Record<string, string> {
  const pm = project.packageManager;
  const scripts: Record<string, string> = {};
  for (const feature of project.features) {
    for (const [name, command] of Object.entries(feature.scripts?.(project.answers) ?? {})) {
      if (name in scripts) throw new Error(`${feature.id} redefines the script "${name}"`);
      scripts[name] = withPreloads(command, preloadsOf(project))
        .replace(/\bnpm run ([\w:-]+)/g, (_, script: string) => runScript(pm, script))
        .replace(/^exec (?=node )/, pm === 'yarn' ? '' : 'exec ');
    }
  }
  // a `postX` script joins the end of X
  const folded = Object.entries(scripts).filter(
    ([name]) => !(name.startsWith('post') && name.slice('post'.length) in scripts),
  );
  return Object.fromEntries(
    folded.map(([name, command]) => {
      const post = scripts[`post${name}`];
      return [name, post === undefined ? command : `${command} && ${post}`];
    }),
  );
}

/** package.json merged from every feature's dependencies and scripts */
export function renderPackageJson(tree: Tree, project: Project): void {
  const pm = project.packageManager;
  const installScripts = Object.entries(
    Object.assign(
      {},
      ...project.features.map((f) => f.installScripts?.(project.answers) ?? {}),
    ) as Record<string, boolean>,
  ).sort(([a], [b]) => (a < b ? -1 : 1));
  const allowed = installScripts.filter(([, runs]) => runs).map(([name]) => name);
  const ignored = installScripts.filter(([, runs]) => !runs).map(([name]) => name);
  const dependencies = sortedRecord(
    project.features.flatMap((f) => [
      ...(f.dependencies?.(project.answers) ?? []),
      ...contributionsOf(f, project).flatMap((contribution) => contribution.dependencies ?? []),
    ]),
    project.answers.node,
  );
  // releases held back on this line (see `heldBack`), in the manager's field for them
  const overrides = Object.fromEntries(
    Object.entries(heldBack[project.answers.node] ?? {})
      .filter(([, { via }]) => via in dependencies)
      .map(([name, { version }]) => [name, version]),
  );
  const held = Object.keys(overrides).length > 0;
  const pkg = {
    name: project.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: node[project.answers.node].engines },
    packageManager: packageManagerField(pm),
    scripts: scriptsOf(project),
    dependencies,
    devDependencies: sortedRecord(
      project.features.flatMap((f) => f.devDependencies?.(project.answers) ?? []),
      project.answers.node,
    ),
    ...(pm === 'npm' && held && { overrides }),
    // which install scripts run: pnpm and yarn run none by default
    ...(pm === 'pnpm' && {
      pnpm: {
        onlyBuiltDependencies: allowed,
        ignoredBuiltDependencies: ignored,
        ...(held && { overrides }),
      },
    }),
    ...(pm === 'yarn' && {
      dependenciesMeta: Object.fromEntries(
        installScripts.map(([name, runs]) => [name, { built: runs }]),
      ),
      ...(held && { resolutions: overrides }),
    }),
  };
  tree.add('package.json', `${JSON.stringify(pkg, null, 2)}\n`, 'base');
}

// yarn's folder, but for what a project commits (https://yarnpkg.com/getting-started/qa)
const yarnIgnored = ['.yarn/*', '!.yarn/patches', '!.yarn/plugins', '!.yarn/releases', '.pnp.*'];

/** .gitignore, .env.example and yarn's .yarnrc.yml, appended to by each feature in turn */
export function renderDotfiles(tree: Tree, project: Project): void {
  const ignored = [
    ...new Set(project.features.flatMap((f) => f.gitignore ?? [])),
    ...(project.packageManager === 'yarn' ? yarnIgnored : []),
  ];
  tree.add('.gitignore', `${ignored.join('\n')}\n`, 'base');
  if (project.packageManager === 'yarn') {
    tree.add(
      '.yarnrc.yml',
      readFileSync(join(templatesDir, 'package-managers/yarn/.yarnrc.yml'), 'utf8'),
      'base',
    );
  }

  const sections = envOf(project)
    .filter((vars) => vars.length > 0)
    .map((vars) =>
      vars
        .map(
          (v) =>
            `# ${v.doc}\n${v.default === undefined ? '# ' : ''}${v.name}=${v.default === undefined ? '' : envSpelling(v.default)}`,
        )
        .join('\n\n'),
    );
  tree.add('.env.example', `${sections.join('\n\n')}\n`, 'base');
}

// `CACHE-14`, or a range, `CACHE-1..14`
const techniqueMention = /\b([A-Z]+)-(\d+)(?:\.\.(\d+))?\b/g;

/**
 * Ends the README with a glossary of the technique IDs the project's files name (`// CACHE-14:`
 * in a comment, a test's title), so a reader of the code can look one up without the catalog.
 */
export function renderGlossary(tree: Tree, pm: PackageManager): void {
  const named = new Set<string>();
  for (const { content } of tree.files()) {
    if (typeof content !== 'string') continue;
    for (const [, family, first, last] of content.matchAll(techniqueMention)) {
      for (let n = Number(first); n <= Number(last ?? first); n++) named.add(`${family}-${n}`);
    }
  }
  const rows = Object.entries(techniques)
    .filter(([id]) => named.has(id))
    .map(([id, what]) => `| ${id} | ${inManagerWords(what, pm)} |`);
  const readme = tree.get('README.md');
  if (rows.length === 0 || typeof readme?.content !== 'string') return;
  const glossary = [
    '## Technique IDs',
    '',
    'Comments and test names cite the performance technique a piece of code applies by its ID:',
    '',
    '| ID | technique |',
    '| --- | --- |',
    ...rows,
  ].join('\n');
  tree.replace('README.md', alignTables(`${readme.content}\n${glossary}\n`));
}
