import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate.js';
import { fillSlots } from '../../src/render/templates.js';
import type { Tree } from '../../src/tree.js';
import { techniques } from '../../src/techniques.js';
import { node, versionOf, versions, type PackageName } from '../../src/versions.js';
import { coveringSets, contentOf, generateOnce, textFiles } from '../helpers/answers.js';

// how src/render.ts marks a slot in rendered text: `{{slot "name"}}` renders as this
const marker = (name: string) => `\0slot:${name}\0`;

describe('fillSlots', () => {
  it("writes each entry on its own line at the marker's indentation", () => {
    const text = `const env = {\n    ${marker('config.env')}\n};`;
    const slots = new Map([['config.env', ['PORT: port,', 'HOST: host,']]]);
    expect(fillSlots(text, slots, 'src/config.ts')).toBe(
      'const env = {\n    PORT: port,\n    HOST: host,\n};',
    );
  });

  it('indents every line of a multi-line entry, and leaves its blank lines empty', () => {
    const text = `function f() {\n  ${marker('x')}\n}`;
    const slots = new Map([['x', ['// doc\nconst a = {\n  b: 1,\n};\n\nuse(a);']]]);
    expect(fillSlots(text, slots, 'f.ts')).toBe(
      'function f() {\n  // doc\n  const a = {\n    b: 1,\n  };\n\n  use(a);\n}',
    );
  });

  it('joins the entries of several slots, each at its own indentation', () => {
    const text = `${marker('a')}\nbody\n    ${marker('b')}`;
    const slots = new Map([
      ['a', ['import a;', 'import b;']],
      ['b', ['route();']],
    ]);
    expect(fillSlots(text, slots, 'x.ts')).toBe('import a;\nimport b;\nbody\n    route();');
  });

  it('leaves no line behind for an empty slot or one nobody fills', () => {
    const text = `start\n  ${marker('empty')}\n  ${marker('unknown')}\nend`;
    expect(fillSlots(text, new Map([['empty', []]]), 'x.ts')).toBe('start\nend');
  });

  it('accepts trailing whitespace after a marker', () => {
    expect(fillSlots(`a\n  ${marker('x')}  \nb`, new Map([['x', ['y']]]), 'x.ts')).toBe(
      'a\n  y\nb',
    );
  });

  it('leaves text without markers as it is', () => {
    const text = 'const a = `{{b}}`;\n\n  x\n';
    expect(fillSlots(text, new Map(), 'x.ts')).toBe(text);
  });

  it('throws, naming the file and the line, when a marker shares its line with code', () => {
    const text = `ok\n  register(${marker('app.plugins')});\n`;
    expect(() => fillSlots(text, new Map([['app.plugins', ['x']]]), 'src/app.ts')).toThrow(
      /^src\/app\.ts: a slot must stand alone on its line: register\(/,
    );
  });
});

// ---------------------------------------------------------------------------------------------

const sets = coveringSets();

/** the modules each file imports: [specifier, type-only] */
function importsOf(content: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const statement = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm;
  for (const match of content.matchAll(statement))
    found.push({ specifier: match[2] ?? '', typeOnly: match[1] !== undefined });
  for (const match of content.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g))
    found.push({ specifier: match[1] ?? '', typeOnly: false });
  return found;
}

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const isCode = (path: string) => /\.(ts|js|mjs)$/.test(path);

interface PackageJson {
  name: string;
  type: string;
  private: boolean;
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const packageJsonOf = (tree: Tree) => JSON.parse(contentOf(tree, 'package.json')) as PackageJson;

/** the variable names of the `z.object({ ... })` schema in src/config.ts */
function schemaNames(config: string): string[] {
  const start = config.indexOf('.object({');
  if (start === -1) throw new Error('src/config.ts has no .object({ schema');
  let depth = 0;
  let end = start + '.object('.length;
  for (; end < config.length; end++) {
    if (config[end] === '{') depth++;
    if (config[end] === '}' && --depth === 0) break;
  }
  const body = config.slice(start, end);
  return [...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)].map((m) => m[1] ?? '');
}

/** whether a range such as `CACHE-1..14` in one of the files covers `id` */
function ranged(files: { content: string }[], id: string): boolean {
  const [family, n] = id.split('-');
  return files.some((file) =>
    [...file.content.matchAll(new RegExp(`\\b${family}-(\\d+)\\.\\.(\\d+)\\b`, 'g'))].some(
      ([, first, last]) => Number(first) <= Number(n) && Number(n) <= Number(last),
    ),
  );
}

/** the variables `.env.example` lists, set or commented out */
const envExampleNames = (example: string) =>
  [...example.matchAll(/^(?:# ?)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? '');

describe.each(sets)('the project for $id', ({ answers }) => {
  const tree = () => generateOnce('render-app', answers);

  it('renders byte-identical trees from the same answers', async () => {
    const first = await generate('render-app', answers);
    const second = await generate('render-app', answers);
    expect(second.files().map((f) => f.path)).toEqual(first.files().map((f) => f.path));
    for (const file of first.files()) expect(second.get(file.path), file.path).toEqual(file);
  });

  it('leaves no template syntax, NUL marker or run of three blank lines in any file', async () => {
    for (const { path, content } of textFiles(await tree())) {
      expect(content, path).not.toContain('{{');
      expect(content, path).not.toContain('}}');
      expect(content, path).not.toContain('\0');
      expect(content, path).not.toMatch(/\n[ \t]*\n[ \t]*\n[ \t]*\n/);
    }
  });

  it('ends every file with one newline and no line with trailing whitespace', async () => {
    for (const { path, content } of textFiles(await tree())) {
      expect(content.endsWith('\n') && !content.endsWith('\n\n'), `${path} ends badly`).toBe(true);
      expect(content, path).not.toMatch(/[ \t]+$/m);
    }
  });

  it('lists in .env.example exactly the settings src/config.ts reads', async () => {
    const config = contentOf(await tree(), 'src/config.ts');
    const fromSchema = schemaNames(config);
    const fromExample = envExampleNames(contentOf(await tree(), '.env.example'));
    expect(fromSchema.length).toBeGreaterThan(0);
    expect(new Set(fromSchema).size, 'a setting is in the schema twice').toBe(fromSchema.length);
    expect(new Set(fromExample).size, 'a setting is in .env.example twice').toBe(
      fromExample.length,
    );
    expect([...fromExample].sort()).toEqual([...fromSchema].sort());
    // a setting in the schema that loadConfig never reads would be accepted and ignored
    const readers = [
      config,
      ...textFiles(await tree())
        .filter((file) => file.path.startsWith('src/settings/'))
        .map((file) => file.content),
    ].join('\n');
    for (const name of fromSchema) expect(readers, `${name} is never read`).toContain(`e.${name}`);
  });

  it("writes a package.json: ESM, its Node.js line's engines, sorted dependencies, the line's versions from src/versions.ts", async () => {
    const pkg = packageJsonOf(await tree());
    expect(pkg.name).toBe('render-app');
    expect(pkg.type).toBe('module');
    expect(pkg.private).toBe(true);
    expect(pkg.engines).toEqual({ node: node[answers.node].engines });
    for (const script of ['dev', 'build', 'start', 'test', 'typecheck', 'lint'])
      expect(pkg.scripts, script).toHaveProperty(script);
    for (const field of ['dependencies', 'devDependencies'] as const) {
      const names = Object.keys(pkg[field]);
      expect(names, `${field} are sorted`).toEqual([...names].sort());
      for (const [name, version] of Object.entries(pkg[field])) {
        expect(Object.keys(versions), `${name} is not in src/versions.ts`).toContain(name);
        expect(version, name).toBe(versionOf(name as PackageName, answers.node));
      }
    }
    const both = Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies);
    expect(both, 'both a dependency and a dev dependency').toEqual([]);
  });

  it('imports only files it generates and packages it declares', async () => {
    const t = await tree();
    const pkg = packageJsonOf(t);
    const declared = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const { path, content } of textFiles(t).filter((f) => isCode(f.path))) {
      for (const { specifier } of importsOf(content)) {
        if (specifier.startsWith('.')) {
          const target = posix.join(posix.dirname(path), specifier);
          const candidates = [target, target.replace(/\.js$/, '.ts')];
          expect(
            candidates.some((c) => t.has(c)),
            `${path} imports ${specifier}`,
          ).toBe(true);
        } else if (!isBuiltin(specifier)) {
          expect(declared, `${path} imports ${specifier}`).toHaveProperty([packageOf(specifier)]);
        }
      }
    }
  });

  it("ends the README with a glossary of exactly the technique IDs the project's files name", async () => {
    const files = textFiles(await tree());
    const readme = contentOf(await tree(), 'README.md');
    const glossary = readme.slice(readme.indexOf('## Technique IDs'));
    expect(glossary).toMatch(/^## Technique IDs\n/);
    const listed = [...glossary.matchAll(/^\| ([A-Z]+-\d+) +\|/gm)].map((match) => match[1] ?? '');
    const named = new Set(
      files
        .map((file) =>
          file.path === 'README.md' ? readme.slice(0, -glossary.length) : file.content,
        )
        .flatMap((content) => [...content.matchAll(/\b[A-Z]+-\d+\b/g)].map(([id]) => id))
        .filter((id) => id in techniques),
    );
    expect(listed.length).toBeGreaterThan(0);
    for (const id of named) expect(listed, `${id} is named but not explained`).toContain(id);
    // a range (`CACHE-1..14`) names the IDs inside it
    const unnamed = listed.filter((id) => id && !named.has(id) && !ranged(files, id));
    expect(unnamed, 'explained but never named').toEqual([]);
  });

  it('imports each module once per file, however many features import from it', async () => {
    for (const { path, content } of textFiles(await tree()).filter((f) => isCode(f.path))) {
      const modules = [...content.matchAll(/^import\s[^;]*?\sfrom\s+'([^']+)';/gm)].map(
        (match) => match[1],
      );
      const twice = modules.filter((module, index) => modules.indexOf(module) !== index);
      expect(twice, `${path} imports these twice`).toEqual([]);
    }
  });

  it('needs no dev dependency at run time: src/ imports only dependencies, or types', async () => {
    const t = await tree();
    const pkg = packageJsonOf(t);
    for (const { path, content } of textFiles(t).filter(
      (f) => f.path.startsWith('src/') && isCode(f.path),
    )) {
      for (const { specifier, typeOnly } of importsOf(content)) {
        if (typeOnly || specifier.startsWith('.') || isBuiltin(specifier)) continue;
        expect(pkg.dependencies, `${path} imports ${specifier}`).toHaveProperty([
          packageOf(specifier),
        ]);
      }
    }
  });
});

it('covers every framework in the answer sets above', () => {
  const covered = new Set(sets.map((s) => s.answers.framework));
  expect([...covered].sort()).toEqual(['express', 'fastify', 'hono']);
});
