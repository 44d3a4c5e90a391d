// template layers rendered into the tree: handlebars set up once, `.hbs` files rendered and
// their slots filled with every feature's entries, other files copied as they are.

import { isUtf8 } from 'node:buffer';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import type { SlotEntries, SlotName } from '../features/types.js';
import { packageManagers, type PackageManager } from '../args.js';
import type { Framework } from '../options.js';
import { runScript } from '../package-manager.js';
import { routeNames, type RouteSpec } from '../routes.js';
import { templatesDir } from '../paths.js';
import { precompiled } from './precompiled.js';
import type { Tree } from '../tree.js';
import { images, node } from '../versions.js';
import { composeServiceEntries, deployData } from './deploy.js';
import { envOf, envSchemaLine, envSpelling, schemaImports } from './env.js';
import { contributionsOf, preloadsOf, testServicesOf, type Project } from './project.js';
import { routeGuide } from './route-guide.js';
import { alignTables, printWidth, sortImports } from './tidy.js';

const hbs = Handlebars.create();
// a slot renders as a marker that cannot occur in source code; fillSlots replaces it by line
const markerEdge = String.fromCharCode(0);
const slotMarker = (name: string) => `${markerEdge}slot:${name}${markerEdge}`;
const markerLine = new RegExp(`^(\\s*)${markerEdge}slot:([\\w.-]+)${markerEdge}\\s*$`);
hbs.registerHelper('slot', (name: string) => new hbs.SafeString(slotMarker(name)));

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

/**
 * `{{run "dev"}}`: a script as a person runs it with the project's manager, `npm run dev` or
 * `pnpm dev`; `{{run "profile" "/a"}}` with arguments for the script
 */
hbs.registerHelper('run', function (script: string, ...rest: unknown[]) {
  const options = rest.pop() as Handlebars.HelperOptions;
  const { pm } = options.data.root as { pm: PackageManager };
  return runScript(pm, script, rest.length > 0 ? rest.join(' ') : undefined);
});

/** `{{pad (run "dev") 19}}# ...`: text padded to a column, for comments aligned in a block */
hbs.registerHelper('pad', (text: string, width: number) => text.padEnd(width));

/** how every template is compiled, at build time (scripts/build.ts) or here */
export const compileOptions = {
  // the output is code, not HTML
  noEscape: true,
  // a missing variable is an error, not ''
  strict: true,
} as const;

const compiled = new Map<string, HandlebarsTemplateDelegate>();
function compile(file: string): HandlebarsTemplateDelegate {
  let template = compiled.get(file);
  if (!template) {
    // the built CLI has every template precompiled, keyed by its path under templates/
    const spec = precompiled.get(relative(templatesDir, file).split(sep).join('/'));
    template = spec ? hbs.template(spec) : hbs.compile(readFileSync(file, 'utf8'), compileOptions);
    compiled.set(file, template);
  }
  return template;
}

/** a route's module and its test, as `create-perf-app route` writes them */
function routeFiles(route: RouteSpec, framework: Framework): { module: string; test: string } {
  const { routes, path } = routeNames(route);
  // one template per kind: a read, a write (POST 201, PUT 200), a delete, a cached read
  const kind = route.cached
    ? 'cached'
    : route.method === 'GET'
      ? 'get'
      : route.method === 'DELETE'
        ? 'delete'
        : 'write';
  const data = {
    name: route.name,
    routes,
    path,
    method: route.method,
    lower: route.method.toLowerCase(),
    status: route.method === 'POST' ? 201 : 200,
  };
  const dir = join(templatesDir, 'routes');
  const render = (template: string) => sortImports(compile(join(dir, template))(data));
  return {
    module: render(`${framework}/${kind}.ts.hbs`),
    test: render(`common/${kind}.test.ts.hbs`),
  };
}

/** the user's route files made by `create-perf-app route`: a module and its test each */
export function renderRoute(tree: Tree, route: RouteSpec, project: Project): void {
  const { module, test } = routeFiles(route, project.answers.framework);
  tree.add(routeNames(route).file, module, 'routes');
  tree.add(`test/${route.name}.test.ts`, test, 'routes');
}

/** the line of the app file that registers a route's module, with the cache when it uses it */
function routeRegistration(route: RouteSpec, framework: Framework): string {
  const { routes } = routeNames(route);
  return {
    fastify: `await app.register(${routes}${route.cached ? ', { cache: context.cache }' : ''});`,
    express: `app.use(${routes}(${route.cached ? 'context.cache' : ''}));`,
    hono: `app.route('/', ${routes}(${route.cached ? 'context.cache' : ''}));`,
  }[framework];
}

/** the README's "Adding a route", with a GET route as the command would make it */
function readmeRouteGuide({ answers }: Project): string {
  const route: RouteSpec = { name: 'orders', method: 'GET', cached: false };
  const { routes, path } = routeNames(route);
  return routeGuide(answers.framework, answers.cache !== 'none', {
    name: route.name,
    routes,
    path,
    ...routeFiles(route, answers.framework),
    registration: routeRegistration(route, answers.framework),
    cachedRegistration: routeRegistration({ ...route, cached: true }, answers.framework),
  });
}

/**
 * A route's registration in the app and its README row; its handler's wiring has what it
 * needs from the context (the cache, for a cached one).
 */
function routeSlots(route: RouteSpec, framework: Framework): SlotEntries<SlotName> {
  const { routes, path } = routeNames(route);
  const what = route.cached ? 'yours, answered through the cache' : 'yours';
  return {
    'app.imports': [`import { ${routes} } from './routes/${route.name}.js';`],
    'app.routes': [routeRegistration(route, framework)],
    'readme.routes': [
      `| \`${route.method} ${path}\` | ${what}: \`src/routes/${route.name}.ts\`, made by \`create-perf-app route ${route.name}\` |`,
    ],
  };
}

/** walks a template folder; files ending in .hbs are rendered, all others copied as they are */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** `make`, run once per project: for what every layer of a project shares */
function oncePerProject<T>(make: (project: Project) => T): (project: Project) => T {
  const made = new WeakMap<Project, T>();
  return (project) => {
    let value = made.get(project);
    if (value === undefined) {
      value = make(project);
      made.set(project, value);
    }
    return value;
  };
}

export function renderLayer(tree: Tree, layer: string, owner: string, project: Project): void {
  const root = join(templatesDir, layer);
  const slots = slotsOf(project);
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
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes;
}

// what every template of a project renders with (the layers', the README sections', the
// compose services'); made once, as it renders the README's route guide
const templateData = oncePerProject(makeTemplateData);

function makeTemplateData(project: Project) {
  return {
    name: project.name,
    answers: project.answers,
    env: envOf(project)
      .flat()
      .map((v) => ({
        ...v,
        default: v.default === undefined ? undefined : envSpelling(v.default),
      })),
    preload: preloadsOf(project),
    images: { ...images, node: node[project.answers.node].image },
    node: node[project.answers.node],
    deploy: deployData(project),
    testServices: testServicesOf(project),
    routeGuide: readmeRouteGuide(project),
    pm: project.packageManager,
    /** `{{#if manager.pnpm}}` */
    manager: Object.fromEntries(packageManagers.map((pm) => [pm, pm === project.packageManager])),
  };
}

/** a template file under templates/ as text: rendered when it ends in .hbs */
function renderFile(template: string, project: Project): string {
  const file = join(templatesDir, template);
  return file.endsWith('.hbs') ? compile(file)(templateData(project)) : readFileSync(file, 'utf8');
}

// each layer's slots, collected once per project
const slotsOf = oncePerProject(collectSlots);

/** each slot's entries, in feature order; `config.env` is made from the features' env vars */
function collectSlots(project: Project): Map<SlotName, string[]> {
  const slots = new Map<SlotName, string[]>();
  // an entry two features both need (a setting of the tests) is written once
  const push = (name: SlotName, entries: readonly string[] = []) =>
    slots.set(name, [...new Set([...(slots.get(name) ?? []), ...entries])]);
  const env = envOf(project);
  push('config.imports', schemaImports(env.flat()));
  for (const [index, feature] of project.features.entries()) {
    push('config.env', (env[index] ?? []).map(envSchemaLine));
    // the URL of each server its tests use, which test/env.ts defaults to the local one
    push(
      'test.env',
      (feature.testServices?.(project.answers) ?? []).map(
        ({ variable, url }) => `${variable}: process.env['${variable}'] ?? '${url}',`,
      ),
    );
    const readme = feature.readme?.(project.answers) ?? [];
    if (readme.length > 0) {
      const data = templateData(project);
      const parts = readme.map((file) => compile(join(templatesDir, file))(data).trim());
      push('readme.sections', [`\n${parts.join('\n\n')}`]);
    }
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
  push(
    'compose.services',
    composeServiceEntries(project, (template) => renderFile(template, project)),
  );
  for (const route of project.routes) {
    for (const [name, entries] of Object.entries(routeSlots(route, project.answers.framework))) {
      push(name as SlotName, entries);
    }
  }
  return slots;
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
