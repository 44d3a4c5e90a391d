import { createRequire, Module } from 'node:module';

/** what `@fastify/ajv-compiler` exports: the factory of Fastify's default validator compiler */
type CompilerFactory = (options?: unknown) => BuildValidator;
type BuildValidator = (externalSchemas: unknown, options: unknown) => unknown;

// fastify's own dependency, resolved from its folder: the version it was tested with, wherever
// the package manager put it
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const compilerPath = requireFromFastify.resolve('@fastify/ajv-compiler');
// what the package exports besides its factory, for code that requires it meanwhile
const otherExports = ['default', 'AjvCompiler', 'AjvReference', 'StandaloneValidator'];

let standIn: Module | undefined;
let compiler: Record<string, unknown> | undefined;

/** the package itself, required once: in Node's cache from then on, in the stand-in's place */
function loadCompiler(): Record<string, unknown> {
  if (compiler === undefined) {
    if (requireFromFastify.cache[compilerPath] === standIn) {
      Reflect.deleteProperty(requireFromFastify.cache, compilerPath);
    }
    compiler = requireFromFastify('@fastify/ajv-compiler') as Record<string, unknown>;
  }
  return compiler;
}

/** a factory that makes Fastify's default compiler when it is first asked to build a validator */
const deferredFactory: CompilerFactory = (options) => {
  let build: BuildValidator | undefined;
  return (externalSchemas, compilerOptions) => {
    build ??= (loadCompiler() as unknown as CompilerFactory)(options);
    return build(externalSchemas, compilerOptions);
  };
};
for (const name of otherExports) {
  Object.defineProperty(deferredFactory, name, { get: () => loadCompiler()[name] });
}

/**
 * Start-up: Fastify requires `@fastify/ajv-compiler`, and ajv with it, when an instance is
 * created (about 50 ms of a worker's start), whether or not a route validates anything. A
 * factory given as `schemaController.compilersFactory.buildValidator` would defer it, as
 * serializer-compiler.ts defers the serializer's, but Fastify takes any factory given for a
 * custom one, and then no longer lower-cases the names in a `headers` schema. So, before Fastify
 * is created, this module stands for the package in Node's require cache (to which Node.js lets
 * a program add entries): Fastify takes it for its default and calls its factory, which loads
 * the package, and makes the default compiler from it, when the first route with a validation
 * schema (body, query string, params or headers) is registered. The package then replaces the
 * stand-in in the cache. Nothing is deferred when the package is already loaded.
 */
export function deferValidatorCompiler(): void {
  if (compiler !== undefined || requireFromFastify.cache[compilerPath] !== undefined) return;
  standIn = new Module(compilerPath);
  standIn.filename = compilerPath;
  standIn.exports = deferredFactory;
  standIn.loaded = true;
  requireFromFastify.cache[compilerPath] = standIn;
}
