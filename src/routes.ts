// Routes of the user's, made by `create-perf-app route NAME`: recorded in the manifest and
// rendered with the project like any generated file, so add, remove and update keep them and
// the route's registration in the app file merges as the options' does.

import type { Answers } from './options.js';

export const routeMethods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type RouteMethod = (typeof routeMethods)[number];

export interface RouteSpec {
  /** lower case words joined by dashes: its path is /api/NAME, its file src/routes/NAME.ts */
  name: string;
  method: RouteMethod;
  /** answered through the cache, as the sample item routes are (GET only) */
  cached: boolean;
}

/** the names a route's files and code use */
export function routeNames({ name }: RouteSpec) {
  const camel = name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  return { routes: `${camel}Routes`, path: `/api/${name}`, file: `src/routes/${name}.ts` };
}

// the routes and route files the options generate
const taken = new Set([
  'items',
  'catalog',
  'tiny',
  'files',
  'assets',
  'stream',
  'streams',
  'events',
  'upstream',
  'hash',
  'db',
  'db-items',
  'jobs',
  'health',
  'ready',
]);

/** what is wrong with adding `spec` to a project, or undefined when nothing is */
export function checkRoute(
  spec: RouteSpec,
  answers: Answers,
  existing: readonly RouteSpec[],
): string | undefined {
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(spec.name) || spec.name.length > 24) {
    return `"${spec.name}" cannot name a route: use lower case letters, digits and dashes, like order-lines (at most 24 characters).`;
  }
  if (taken.has(spec.name))
    return `"${spec.name}" is the name of a route or file the options generate: pick another.`;
  if (existing.some((route) => route.name === spec.name)) {
    return `The project has a route called ${spec.name} already (src/routes/${spec.name}.ts).`;
  }
  if (spec.cached && spec.method !== 'GET')
    return 'A cached route answers GET: leave out --method, or --cached.';
  if (spec.cached && answers.cache === 'none') {
    return 'A cached route needs the cache, and this project has none: run `create-perf-app add --cache memory` first.';
  }
  return undefined;
}

/** routes as the manifest records them, checked */
export function readRoutes(recorded: unknown): RouteSpec[] | string {
  if (recorded === undefined) return [];
  if (!Array.isArray(recorded)) return '"routes" is not a list';
  const routes: RouteSpec[] = [];
  for (const entry of recorded as Partial<RouteSpec>[]) {
    const { name, method, cached } = entry;
    if (
      typeof name !== 'string' ||
      !routeMethods.includes(method as RouteMethod) ||
      typeof cached !== 'boolean'
    ) {
      return `${JSON.stringify(entry)} is not a route (name, method, cached)`;
    }
    routes.push({ name, method: method as RouteMethod, cached });
  }
  return routes;
}
