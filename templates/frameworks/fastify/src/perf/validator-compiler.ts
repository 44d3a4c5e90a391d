import { Module } from 'node:module';
import { requireFromFastify } from './fastify-require.js';

/** `@fastify/ajv-compiler`: the factory of Fastify's default validator compiler, and more */
type CompilerModule = ((options?: unknown) => BuildValidator) & Record<string, unknown>;
type BuildValidator = (externalSchemas: unknown, options: unknown) => unknown;

const compilerPath = requireFromFastify.resolve('@fastify/ajv-compiler');
// what the package exports besides its factory, for code that requires it meanwhile
const otherExports = ['default', 'AjvCompiler', 'AjvReference', 'StandaloneValidator'];

let standIn: Module | undefined;
let compiler: CompilerModule | undefined;

/** the package itself, required once: in Node's cache from then on, in the stand-in's place */
function loadCompiler(): CompilerModule {
  if (compiler === undefined) {
    if (requireFromFastify.cache[compilerPath] === standIn) {
      Reflect.deleteProperty(requireFromFastify.cache, compilerPath);
    }
    compiler = requireFromFastify('@fastify/ajv-compiler') as CompilerModule;
  }
  return compiler;
}

/** a factory that makes Fastify's default compiler when it is first asked to build a validator */
const deferredFactory = (options?: unknown): BuildValidator => {
  let build: BuildValidator | undefined;
  return (externalSchemas, compilerOptions) => {
    build ??= loadCompiler()(options);
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
 * is created, a stand-in takes the package's place in Node's require cache (to which Node.js
 * lets a program add entries): Fastify takes it for its default and calls its factory, which loads
 * the package, and makes the default compiler from it, when the first route with a validation
 * schema (body, query string, params or headers) is registered. The package then replaces the
 * stand-in in the cache. Nothing is deferred when the package is already loaded.
 */
export function deferValidatorCompiler(): void {
  if (requireFromFastify.cache[compilerPath] !== undefined) return;
  standIn = new Module(compilerPath);
  standIn.filename = compilerPath;
  standIn.exports = deferredFactory;
  standIn.loaded = true;
  requireFromFastify.cache[compilerPath] = standIn;
}
