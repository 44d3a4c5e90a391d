// a project as the generator sees it: the answers, the features they turn on, and what those
// features declare for each other.

import type { PackageManager } from '../args.js';
import type { Contribution, Feature, TestService } from '../features/types.js';
import type { Answers } from '../options.js';
import type { RouteSpec } from '../routes.js';

/** everything a project's files are rendered from */
export interface Project {
  /** the package name, also used as the service name */
  name: string;
  answers: Answers;
  features: readonly Feature[];
  /** the user's routes made by `create-perf-app route` */
  routes: readonly RouteSpec[];
  /** the manager its package.json, README and Dockerfile are written for */
  packageManager: PackageManager;
}

/** the modules the features ask Node.js to load before the app (see `Feature.preload`) */
export function preloadsOf(project: Project): string[] {
  return project.features.flatMap((feature) => feature.preload?.(project.answers) ?? []);
}

/** the template folders `feature` renders: its own, then those of its contributions */
export function layersOf(feature: Feature, project: Project): string[] {
  return [
    ...feature.layers(project.answers),
    ...contributionsOf(feature, project).flatMap((contribution) => contribution.layers ?? []),
  ];
}

/** what `feature` adds to the other features of the project that are on */
export function contributionsOf(feature: Feature, project: Project): Contribution[] {
  const on = new Set(project.features.map((other) => other.id));
  return (feature.contributes?.(project.answers) ?? []).filter(({ to }) => on.has(to));
}

/** the servers the project's tests need, once each (the cache and the job queue share Redis) */
export function testServicesOf(project: Project): TestService[] {
  const byVariable = new Map<string, TestService>();
  for (const feature of project.features) {
    for (const service of feature.testServices?.(project.answers) ?? []) {
      const known = byVariable.get(service.variable);
      if (known && JSON.stringify(known) !== JSON.stringify(service)) {
        throw new Error(`two features declare the test service of ${service.variable} differently`);
      }
      byVariable.set(service.variable, service);
    }
  }
  return [...byVariable.values()];
}
