import type { Framework } from '../options.js';
import type { PackageName } from '../versions.js';
import type { Feature } from './types.js';

const packages: Record<Framework, PackageName[]> = {
  fastify: ['fastify'],
  express: ['express'],
  hono: ['hono', '@hono/node-server'],
};

const typePackages: Record<Framework, PackageName[]> = {
  fastify: [],
  express: ['@types/express'],
  hono: [],
};

/** the chosen framework's entry file, with the slots every other feature fills */
export const framework: Feature = {
  id: 'framework',
  applies: () => true,
  layers: (answers) => [`frameworks/${answers.framework}`],
  dependencies: (answers) => packages[answers.framework],
  devDependencies: (answers) => typePackages[answers.framework],
};
