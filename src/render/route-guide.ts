// The generated README's "Adding a route": where a route goes, how the app registers it and
// where its test goes, in the project's framework, with the very files and lines that
// `create-perf-app route` writes as the example.

import type { Framework } from '../options.js';

/** what the guide shows: a sample route as `create-perf-app route` makes it */
export interface RouteExample {
  /** its name: `orders` */
  name: string;
  /** the name of what its module exports: `ordersRoutes` */
  routes: string;
  /** its path: `/api/orders` */
  path: string;
  /** src/routes/NAME.ts and test/NAME.test.ts, as the command writes them */
  module: string;
  test: string;
  /** its line in src/app.ts, and the line of its cached version */
  registration: string;
  cachedRegistration: string;
}

const fence = (code: string) => ['```ts', code.trimEnd(), '```'].join('\n');

/**
 * A paragraph, broken between words into lines of at most `width` characters, as the README's
 * are; never inside `code`.
 */
function paragraph(text: string, width = 95): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.match(/(?:`[^`]*`|[^\s`])+/g) ?? []) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line].join('\n');
}

/** the framework's words: what a route module is, and where the app registers it */
const styles: Record<Framework, { module: string; register: string; cached: string }> = {
  fastify: {
    module: 'a Fastify plugin, with JSON schema for what it answers.',
    register: 'after the routes already there, before `await app.ready()`:',
    cached: 'the plugin takes the cache as an option',
  },
  express: {
    module:
      'an Express `Router`. Request bodies come parsed as JSON by the `express.json()` that `src/app.ts` mounts before the routes.',
    register:
      'after the routes already there and before the 404 handler (Express runs what is mounted in order):',
    cached: 'the function takes the cache',
  },
  hono: {
    module: 'a Hono app of its own.',
    register:
      'at the root, after the routes already there (middleware runs for the routes mounted after it):',
    cached: 'the function takes the cache',
  },
};

/** the README section, for a project on `framework`; `cache` when it has one */
export function routeGuide(framework: Framework, cache: boolean, route: RouteExample): string {
  const style = styles[framework];
  const command = `npx create-perf-app route ${route.name}`;
  const options = [
    '`--method POST`, `PUT` or `DELETE` for a write or a delete',
    ...(cache ? ['`--cached` for a GET answered through the cache'] : []),
  ].join('; ');
  const registration = [
    `import { ${route.routes} } from './routes/${route.name}.js';`,
    '',
    route.registration,
  ].join('\n');
  const sections = [
    '## Adding a route',
    paragraph(
      `Routes live in \`src/routes/\`, a module per group of routes, each registered by \`buildApp\` in \`src/app.ts\`. \`${command}\` writes one in this project's style: \`src/routes/${route.name}.ts\` answering \`GET ${route.path}\`, its registration, and its test (${options}). By hand, the same three steps.`,
    ),
    paragraph(`The module is ${style.module} The command writes this one:`),
    fence(route.module),
    paragraph(`In \`buildApp\` (\`src/app.ts\`), register it ${style.register}`),
    fence(registration),
    paragraph(
      `Its test, \`test/${route.name}.test.ts\`, starts the whole app with \`start()\` from \`test/helpers.ts\` (on a free port, with the settings of \`test/env.ts\`) and requests the route over HTTP:`,
    ),
    fence(route.test),
    ...(cache
      ? [
          paragraph(
            `To answer a GET through the cache, as the sample routes do (\`src/items/service.ts\`), make the answer once per key with \`memoize(cache, load, { namespace, ttlMs, graceMs })\` (\`src/perf/cache/memoize.ts\`), stored as bytes with its \`ETag\` by \`jsonResponse(value, { cacheControl })\`, and send what \`answer(value, outcome, headers)\` (\`src/perf/cache/http.ts\`) gives: 200 with \`X-Cache: MISS\` or \`HIT\`, or 304 to a client whose copy is current. \`${command} --cached\` writes such a route; ${style.cached}:`,
          ),
          fence(route.cachedRegistration),
        ]
      : [
          paragraph(
            'The project has no cache: `npx create-perf-app add --cache memory` adds one, and with it `--cached` routes.',
          ),
        ]),
  ];
  return sections.join('\n\n');
}
