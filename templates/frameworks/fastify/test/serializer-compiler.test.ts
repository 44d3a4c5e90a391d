import { expect, it } from 'vitest';
import { runScript } from './helpers.js';

// In a process of its own: Node.js keeps one module cache per process, which other tests fill.
// Two apps with the factory of src/perf/serializer-compiler.ts, built as `npm start` runs it
// (its URL is the script's argument): one without a response schema, then one with.
const script = `
import Fastify from 'fastify';
import { createRequire } from 'node:module';

const { lazySerializerFactory } = await import(process.argv[1]);

const moduleCache = createRequire(import.meta.url).cache;
// Fastify's error serializer loads a small runtime of fast-json-stringify; the compiler is the rest
const serializerLoaded = () =>
  Object.keys(moduleCache).some((path) => path.includes('fast-json-stringify-compiler'));
const options = { schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory } } };

const plain = Fastify(options);
plain.get('/', () => ({ id: 1 }));
await plain.ready();
const atStart = serializerLoaded();

const withSchema = Fastify(options);
const item = { type: 'object', properties: { id: { type: 'integer' } } };
withSchema.get('/', { schema: { response: { 200: item } } }, () => ({ id: 1, secret: 'x' }));
const answer = await withSchema.inject('/');
console.log(JSON.stringify({ atStart, withSchema: serializerLoaded(), body: answer.json() }));
`;

it('start-up: the response serializer compiler loads with the first response schema, not with Fastify', async () => {
  const stdout = await runScript(script, ['dist/perf/serializer-compiler.js']);
  expect(JSON.parse(stdout)).toEqual({
    atStart: false,
    withSchema: true,
    // serialized by the schema, as Fastify's default does: what it does not name is left out
    body: { id: 1 },
  });
});
