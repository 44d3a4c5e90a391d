// rendering: handlebars set up once, layers rendered into the tree, slots filled, and the
// shared files (package.json, .gitignore, .env.example) merged from what each feature declares.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import type { Contribution, EnvDefault, EnvVar, Feature, SlotName } from './features/types.js';
import type { Answers } from './options.js';
import { templatesDir } from './paths.js';
import { techniques } from './techniques.js';
import type { Tree } from './tree.js';
import { versions, type PackageName } from './versions.js';

/** everything a project's files are rendered from */
export interface Project {
  /** the package name, also used as the service name */
  name: string;
  answers: Answers;
  features: readonly Feature[];
}

const hbs = Handlebars.create();
// a slot renders as a marker that cannot occur in source code; fillSlots replaces it by line
const markerEdge = String.fromCharCode(0);
const slotMarker = (name: string) => `${markerEdge}slot:${name}${markerEdge}`;
const markerLine = new RegExp(`^(\\s*)${markerEdge}slot:([\\w.-]+)${markerEdge}\\s*$`);
hbs.registerHelper('slot', (name: string) => new hbs.SafeString(slotMarker(name)));

// the generated project's prettier print width
const { printWidth } = JSON.parse(
  readFileSync(join(templatesDir, 'base', '.prettierrc.json'), 'utf8'),
) as { printWidth: number };
/**
 * `{{constant "export const appName" name}}`: a string constant, broken after `=` as prettier
 * breaks it when the line would pass the print width (a package name may be 214 characters).
 * A package name holds no quote or backslash, so it needs no escaping.
 */
hbs.registerHelper('constant', (declaration: string, value: string) => {
  const literal = `'${value}'`;
  const line = `${declaration} = ${literal};`;
  return line.length <= printWidth ? line : `${declaration} =\n  ${literal};`;
});

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function compile(file: string): HandlebarsTemplateDelegate {
  let template = compiled.get(file);
  if (!template) {
    // noEscape: the output is code, not HTML; strict: a missing variable is an error, not ''
    template = hbs.compile(readFileSync(file, 'utf8'), { noEscape: true, strict: true });
    compiled.set(file, template);
  }
  return template;
}

/** walks a template folder; files ending in .hbs are rendered, all others copied as they are */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export function renderLayer(tree: Tree, layer: string, owner: string, project: Project): void {
  const root = join(templatesDir, layer);
  const slots = collectSlots(project);
  const data = templateData(project);
  for (const file of listFiles(root)) {
    const path = relative(root, file).split(sep).join('/');
    if (path.endsWith('.hbs')) {
      const target = path.slice(0, -'.hbs'.length);
      const text = fillSlots(compile(file)(data), slots, path);
      const tidy = target.endsWith('.md')
        ? alignTables(text)
        : target.endsWith('.ts')
          ? sortImports(text)
          : text;
      tree.add(target, tidy, owner);
    } else {
      tree.add(path, readVerbatim(file), owner);
    }
  }
}

/**
 * A file copied as it is: as text when its bytes are UTF-8 (so that tests and merges read it
 * as a string), else as the bytes themselves, which a round trip through a string would alter.
 */
export function readVerbatim(file: string): string | Buffer {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : bytes;
}

function templateData(project: Project) {
  return {
    name: project.name,
    answers: project.answers,
    env: project.features
      .flatMap((feature) => feature.env?.(project.answers) ?? [])
      .map((v) => ({
        ...v,
        default: v.default === undefined ? undefined : envSpelling(v.default),
      })),
    preload: preloadsOf(project),
  };
}

/** the modules the features ask Node.js to load before the app (see `Feature.preload`) */
function preloadsOf(project: Project): string[] {
  return project.features.flatMap((feature) => feature.preload?.(project.answers) ?? []);
}

/**
 * A script that runs the app's entry, built (`dist/main.js`) or from source with tsx
 * (`src/main.ts`), loads the preload modules first: `node dist/main.js` becomes
 * `node --import ./dist/perf/tracing/register.js dist/main.js`.
 */
export function withPreloads(command: string, preloads: readonly string[]): string {
  if (preloads.length === 0) return command;
  const imports = (dir: string, ext: string) =>
    preloads.map((module) => `--import ./${dir}/${module}.${ext}`).join(' ');
  return command
    .replace(/(?<=^|\s)dist\/main\.js(?=\s|$)/g, `${imports('dist', 'js')} dist/main.js`)
    .replace(/(?<=^|\s)src\/main\.ts(?=\s|$)/g, `${imports('src', 'ts')} src/main.ts`);
}

/** each slot's entries, in feature order; `config.env` is made from the features' env vars */
export function collectSlots(project: Project): Map<SlotName, string[]> {
  const slots = new Map<SlotName, string[]>();
  const push = (name: SlotName, entries: readonly string[] = []) =>
    slots.set(name, [...(slots.get(name) ?? []), ...entries]);
  for (const feature of project.features) {
    push('config.env', (feature.env?.(project.answers) ?? []).map(envSchemaLine));
    for (const [name, entries] of Object.entries(
      feature.slots?.(project.answers, project.name) ?? {},
    )) {
      push(name as SlotName, entries);
    }
    const wiring = feature.wiring?.[project.answers.framework] ?? {};
    for (const [name, entries] of Object.entries(wiring)) push(name as SlotName, entries);
    for (const contribution of contributionsOf(feature, project)) {
      for (const [name, entries] of Object.entries(contribution.slots ?? {})) {
        push(name as SlotName, entries);
      }
    }
  }
  return slots;
}

/** what `feature` adds to the other features of the project that are on */
function contributionsOf(feature: Feature, project: Project): Contribution[] {
  const on = new Set(project.features.map((other) => other.id));
  return (feature.contributes?.(project.answers) ?? []).filter(({ to }) => on.has(to));
}

function envSchemaLine(v: EnvVar): string {
  const fallback = v.default === undefined ? '.optional()' : `.default(${codeSpelling(v.default)})`;
  return `// ${v.doc}\n${v.name}: ${v.schema}${fallback},`;
}

/** a default as the environment spells it: `br,gzip`, `67108864`, `false` */
export function envSpelling(value: EnvDefault): string {
  return typeof value === 'object' ? value.join(',') : String(value);
}

const mebibyte = 1024 * 1024;

/** a default as TypeScript writes it: `['br', 'gzip']`, `64 * 1024 * 1024`, `10_000`, `false` */
export function codeSpelling(value: EnvDefault): string {
  if (typeof value === 'object') return `[${value.map((item) => `'${item}'`).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return String(value);
  if (value >= mebibyte && value % mebibyte === 0) {
    return value === mebibyte ? '1024 * 1024' : `${value / mebibyte} * 1024 * 1024`;
  }
  return value >= 10_000 ? String(value).replace(/\B(?=(\d{3})+$)/g, '_') : String(value);
}

/**
 * Replaces each slot marker, which must stand alone on its line, with the slot's entries at
 * the marker's indentation; an empty slot leaves no line behind.
 */
export function fillSlots(text: string, slots: Map<string, string[]>, path: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const match = markerLine.exec(line);
    if (!match) {
      if (line.includes(`${markerEdge}slot:`)) {
        throw new Error(`${path}: a slot must stand alone on its line: ${line.trim()}`);
      }
      out.push(line);
      continue;
    }
    const [, indent = '', name = ''] = match;
    for (const entry of slots.get(name) ?? []) {
      for (const entryLine of entry.split('\n')) {
        out.push(entryLine === '' ? '' : indent + entryLine);
      }
    }
  }
  return out.join('\n');
}

function sortedRecord(names: Iterable<PackageName>): Record<string, string> {
  return Object.fromEntries([...new Set(names)].sort().map((name) => [name, versions[name]]));
}

/** package.json merged from every feature's dependencies and scripts */
export function renderPackageJson(tree: Tree, project: Project): void {
  const scripts: Record<string, string> = {};
  for (const feature of project.features) {
    for (const [name, command] of Object.entries(feature.scripts ?? {})) {
      if (name in scripts) throw new Error(`${feature.id} redefines the script "${name}"`);
      scripts[name] = withPreloads(command, preloadsOf(project));
    }
  }
  const pkg = {
    name: project.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts,
    dependencies: sortedRecord(
      project.features.flatMap((f) => [
        ...(f.dependencies?.(project.answers) ?? []),
        ...contributionsOf(f, project).flatMap((contribution) => contribution.dependencies ?? []),
      ]),
    ),
    devDependencies: sortedRecord(
      project.features.flatMap((f) => f.devDependencies?.(project.answers) ?? []),
    ),
  };
  tree.add('package.json', `${JSON.stringify(pkg, null, 2)}\n`, 'base');
}

/** .gitignore and .env.example, appended to by each feature in turn */
export function renderDotfiles(tree: Tree, project: Project): void {
  const ignored = [...new Set(project.features.flatMap((f) => f.gitignore ?? []))];
  tree.add('.gitignore', `${ignored.join('\n')}\n`, 'base');

  const sections = project.features
    .map((f) => f.env?.(project.answers) ?? [])
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

/**
 * Pads markdown tables the way prettier does, so a rendered README passes the project's own
 * `prettier --check` whatever rows the features added.
 */
export function alignTables(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!lines[i]?.startsWith('|')) {
      out.push(lines[i] ?? '');
      i++;
      continue;
    }
    const rows: string[][] = [];
    for (; i < lines.length && lines[i]?.startsWith('|'); i++) {
      rows.push(splitRow(lines[i] ?? ''));
    }
    const widths =
      rows[0]?.map((_, column) =>
        Math.max(3, ...rows.filter((_, r) => r !== 1).map((row) => (row[column] ?? '').length)),
      ) ?? [];
    rows.forEach((row, r) => {
      const cells = widths.map((width, column) =>
        r === 1 ? '-'.repeat(width) : (row[column] ?? '').padEnd(width),
      );
      out.push(`| ${cells.join(' | ')} |`);
    });
  }
  return out.join('\n');
}

// cells of `| a | b \| c |`; an escaped pipe stays in its cell
function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/**
 * Orders the leading block of one-line imports as a person would after features added theirs:
 * `node:` built-ins, then packages, then relative paths, each alphabetical by module; and
 * imports of one module that two features each added become one. A file with an import that
 * spans lines is left as it is.
 */
export function sortImports(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('import '));
  const block = lines.slice(0, end === -1 ? lines.length : end);
  if (block.length < 2 || block.some((line) => !/ from '[^']+';$/.test(line))) return text;
  const rank = (line: string) => {
    const from = /from '([^']+)';$/.exec(line)?.[1] ?? '';
    const group = from.startsWith('node:') ? 0 : from.startsWith('.') ? 2 : 1;
    return { group, from };
  };
  const sorted = mergeImports(block).sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x.group - y.group || (x.from < y.from ? -1 : x.from > y.from ? 1 : 0);
  });
  return [...sorted, ...lines.slice(block.length)].join('\n');
}

const namedImport = /^import (type )?\{ (.+) \} from '([^']+)';$/;

/**
 * `import { a } from 'm'` and `import type { B } from 'm'` become `import { a, type B } from 'm'`;
 * named imports only, and only while the line stays within the print width (else both stay).
 */
function mergeImports(lines: string[]): string[] {
  const byModule = new Map<string, { typeOnly: boolean; names: string[] }[]>();
  for (const line of lines) {
    const [, type, names, from] = namedImport.exec(line) ?? [];
    if (!names || !from) continue;
    byModule.set(from, [
      ...(byModule.get(from) ?? []),
      { typeOnly: !!type, names: names.split(', ') },
    ]);
  }
  const merged = new Map<string, string>();
  for (const [from, imports] of byModule) {
    if (imports.length < 2) continue;
    const typeOnly = imports.every((entry) => entry.typeOnly);
    const names = imports.flatMap((entry) =>
      entry.names.map((name) => (entry.typeOnly && !typeOnly ? `type ${name}` : name)),
    );
    const line = `import ${typeOnly ? 'type ' : ''}{ ${[...new Set(names)].join(', ')} } from '${from}';`;
    if (line.length <= printWidth) merged.set(from, line);
  }
  const written = new Set<string>();
  return lines.flatMap((line) => {
    const from = namedImport.exec(line)?.[3];
    const replacement = from === undefined ? undefined : merged.get(from);
    if (from === undefined || replacement === undefined) return [line];
    if (written.has(from)) return [];
    written.add(from);
    return [replacement];
  });
}
