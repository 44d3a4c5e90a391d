// the files every feature adds to rather than owns: package.json, .gitignore, .env.example,
// and the README's technique glossary, made once every file is rendered.

import { techniques } from '../techniques.js';
import type { Tree } from '../tree.js';
import type { NodeLine } from '../options.js';
import { node, versionOf, type PackageName } from '../versions.js';
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

/** package.json merged from every feature's dependencies and scripts */
export function renderPackageJson(tree: Tree, project: Project): void {
  const scripts: Record<string, string> = {};
  for (const feature of project.features) {
    for (const [name, command] of Object.entries(feature.scripts?.(project.answers) ?? {})) {
      if (name in scripts) throw new Error(`${feature.id} redefines the script "${name}"`);
      scripts[name] = withPreloads(command, preloadsOf(project));
    }
  }
  const pkg = {
    name: project.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: node[project.answers.node].engines },
    scripts,
    dependencies: sortedRecord(
      project.features.flatMap((f) => [
        ...(f.dependencies?.(project.answers) ?? []),
        ...contributionsOf(f, project).flatMap((contribution) => contribution.dependencies ?? []),
      ]),
      project.answers.node,
    ),
    devDependencies: sortedRecord(
      project.features.flatMap((f) => f.devDependencies?.(project.answers) ?? []),
      project.answers.node,
    ),
  };
  tree.add('package.json', `${JSON.stringify(pkg, null, 2)}\n`, 'base');
}

/** .gitignore and .env.example, appended to by each feature in turn */
export function renderDotfiles(tree: Tree, project: Project): void {
  const ignored = [...new Set(project.features.flatMap((f) => f.gitignore ?? []))];
  tree.add('.gitignore', `${ignored.join('\n')}\n`, 'base');

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
export function renderGlossary(tree: Tree): void {
  const named = new Set<string>();
  for (const { content } of tree.files()) {
    if (typeof content !== 'string') continue;
    for (const [, family, first, last] of content.matchAll(techniqueMention)) {
      for (let n = Number(first); n <= Number(last ?? first); n++) named.add(`${family}-${n}`);
    }
  }
  const rows = Object.entries(techniques)
    .filter(([id]) => named.has(id))
    .map(([id, what]) => `| ${id} | ${what} |`);
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
