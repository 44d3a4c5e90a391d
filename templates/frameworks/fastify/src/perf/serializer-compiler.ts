import type { FastifyServerOptions } from 'fastify';
import { requireFromFastify } from './fastify-require.js';

type SerializerFactory = NonNullable<
  NonNullable<
    NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
  >['buildSerializer']
>;

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
