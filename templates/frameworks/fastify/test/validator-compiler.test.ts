import { expect, it } from 'vitest';
import { runScript } from './helpers.js';

// In a process of its own: Node.js keeps one module cache per process, which other tests fill.
// Apps made after src/perf/validator-compiler.ts's deferValidatorCompiler(), built as `npm start`
// runs it (its URL is the script's argument): one that validates nothing, then one whose route
// validates its headers (named in mixed case, as Fastify's default compiler allows) and body.
const script = `
import Fastify from 'fastify';
import { createRequire } from 'node:module';

const { deferValidatorCompiler } = await import(process.argv[1]);

const moduleCache = createRequire(import.meta.url).cache;
// the package's compiler module, which requires ajv (the package's index is the stand-in's key)
const compilerLoaded = () =>
  Object.keys(moduleCache).some((path) => /ajv-compiler[\\\\/]lib[\\\\/]validator-compiler/.test(path));

deferValidatorCompiler();
const plain = Fastify();
plain.get('/', () => ({ id: 1 }));
await plain.ready();
const atStart = compilerLoaded();

deferValidatorCompiler();
const validating = Fastify();
const headers = {
  type: 'object',
  properties: { 'X-Api-Key': { type: 'string', minLength: 3 } },
  required: ['X-Api-Key'],
};
const body = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
};
validating.post('/', { schema: { headers, body } }, () => ({ ok: true }));
const post = (requestHeaders, payload) =>
  validating.inject({ method: 'POST', url: '/', headers: requestHeaders, payload });
const answers = [
  await post({ 'x-api-key': 'abc' }, { name: 'a' }),
  await post({}, { name: 'a' }),
  await post({ 'x-api-key': 'abc' }, { other: 1 }),
];
console.log(JSON.stringify({
  atStart,
  withSchema: compilerLoaded(),
  statuses: answers.map((answer) => answer.statusCode),
  messages: answers.map((answer) => answer.json().message),
}));
`;

it('start-up: the validator compiler loads with the first validation schema, and validates as Fastify does', async () => {
  const stdout = await runScript(script, ['dist/perf/validator-compiler.js']);
  expect(JSON.parse(stdout)).toEqual({
    atStart: false,
    withSchema: true,
    // the default compiler: a header named X-Api-Key in the schema is x-api-key in a request
    statuses: [200, 400, 400],
    messages: [
      null,
      "headers must have required property 'x-api-key'",
      "body must have required property 'name'",
    ],
  });
});
