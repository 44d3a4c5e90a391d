import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

type SerializerFactory = NonNullable<
  NonNullable<
    NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
  >['buildSerializer']
>;

/**
 * `require` from fastify's folder, for its own dependencies: the versions it was tested with,
 * wherever the package manager put them
 */
export const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
let serializerFactory: SerializerFactory | undefined;

/**
 * Start-up: Fastify loads fast-json-stringify, its response serializer compiler, when it is
 * created (about 60 ms of a worker's start, with the copy of ajv it brings) whether any route
 * declares a response schema or not. This factory, given as
 * `schemaController.compilersFactory.buildSerializer`, loads it when the first route that does is
 * registered, and serializes exactly as Fastify's default.
 */
export const lazySerializerFactory: SerializerFactory = (externalSchemas, options) => {
  serializerFactory ??= (
    requireFromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory
  )();
  return serializerFactory(externalSchemas, options);
};
