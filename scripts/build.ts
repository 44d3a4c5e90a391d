/**
 * npm run build (after `tsc --noEmit`): the CLI as one file, dist/src/cli.js, which is all that
 * `npm pack` ships of dist/ (issue 13: the time to scaffold a project).
 *
 * - Every template under templates/ (`.hbs` files, and the README sections' markdown) is
 *   compiled by handlebars here, with the options the CLI renders with, into the module that takes the place of src/render/precompiled.ts in
 *   the bundle: the CLI runs the templates and never parses one. The files under templates/
 *   stay the source of truth (they ship too: the other files are copied from there, and the
 *   sources render from them when run without a build, as the tests do).
 * - esbuild bundles src/cli.ts and its dependencies into that one file, so starting the CLI
 *   reads one file instead of resolving and loading some 400 modules. What only a command
 *   needs is imported where the command runs, and so evaluated only then.
 * - In the bundle, handlebars is its runtime alone (templates come precompiled), and two
 *   packages node-plop imports for parts of plop this tool does not use are left out, each
 *   replaced by a module that throws saying so when called: `inquirer` (plop's prompts: this
 *   tool asks its questions with `prompts` before plop loads, and its generator has none;
 *   inquirer brings rxjs and ora, some 250 modules) and `tinyglobby` (the addMany action,
 *   which also loads picomatch from node_modules at run time).
 */

import Handlebars from 'handlebars';
import { build, type Plugin } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileOptions } from '../src/render/templates.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const templatesDir = join(root, 'templates');

/**
 * the files src/render/templates.ts renders with handlebars: every `.hbs` file, and the
 * markdown of the README's sections (`Feature.readme`, under a `readme/` folder)
 */
const isTemplate = (file: string) =>
  file.endsWith('.hbs') || (file.endsWith('.md') && file.split(sep).includes('readme'));

/** the module that stands for src/render/precompiled.ts: each template's specification */
function precompiledModule(): string {
  const entries = readdirSync(templatesDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && isTemplate(join(entry.parentPath, entry.name)))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((file) => {
      const key = relative(templatesDir, file).split(sep).join('/');
      const spec = Handlebars.precompile(readFileSync(file, 'utf8'), compileOptions);
      return `  [${JSON.stringify(key)}, ${String(spec)}],`;
    });
  return `export const precompiled = new Map([\n${entries.join('\n')}\n]);\n`;
}

const precompiledTemplates: Plugin = {
  name: 'precompiled-templates',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]render[\\/]precompiled\.ts$/ }, () => ({
      contents: precompiledModule(),
      loader: 'js',
    }));
  },
};

/**
 * Stands for a package node-plop imports for a part of plop this tool does not use: `inquirer`
 * for prompts (asked with `prompts` before plop loads; the generator has none) and
 * `tinyglobby` for the addMany action (the generator's actions are its own).
 */
const unusedByThisTool = (name: string, what: string, exports: string): Plugin => ({
  name: `unused-${name}`,
  setup(esbuild) {
    const filter = new RegExp(`^${name}$`);
    esbuild.onResolve({ filter }, () => ({ path: name, namespace: 'unused' }));
    esbuild.onLoad({ filter, namespace: 'unused' }, () => ({
      contents: `const unused = () => {
  throw new Error(${JSON.stringify(`create-perf-app does not use plop's ${what}: ${name} is left out of its build`)});
};
${exports}
`,
      loader: 'js',
    }));
  },
});
const noInquirer = unusedByThisTool(
  'inquirer',
  'prompts',
  'export default { prompt: unused, registerPrompt: unused };',
);
const noTinyglobby = unusedByThisTool(
  'tinyglobby',
  'addMany action',
  'export const globSync = unused;',
);

await rm(join(root, 'dist/src'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src/cli.ts')],
  outdir: join(root, 'dist/src'),
  // what a command imports when it runs is a chunk of its own, read only then
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // the CommonJS packages in the bundle require Node's built-in modules
  banner: {
    js: "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);",
  },
  alias: { handlebars: 'handlebars/runtime' },
  plugins: [precompiledTemplates, noInquirer, noTinyglobby],
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: 'warning',
});
