import { createRequire } from 'node:module';

/**
 * `require` from fastify's folder, for its own dependencies: the versions it was tested with,
 * wherever the package manager put them (the compilers it loads late, serializer-compiler.ts
 * and validator-compiler.ts)
 */
export const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
