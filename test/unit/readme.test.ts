// What the generated README tells a new user, for every covering set (each framework, each
// option value): which servers `npm test` needs and the settings that point it elsewhere, how
// to add a route on the project's framework (the very files and lines `create-perf-app route`
// writes, which the end-to-end suite builds and tests), and what the embedded database's first
// start costs.

import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate.js';
import type { RouteSpec } from '../../src/routes.js';
import { contentOf, coveringSets, generateOnce } from '../helpers/answers.js';

/** the text of the section under `## title`, up to the next `## ` heading */
function section(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`the README has no section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** the contents of the ```ts blocks of a piece of markdown, in order */
const codeBlocks = (markdown: string) =>
  [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');

const orders: RouteSpec = { name: 'orders', method: 'GET', cached: false };

describe.each(coveringSets())('the README of $id', ({ answers }) => {
  const readme = async () => contentOf(await generateOnce('readme-app', answers), 'README.md');
  // Redis for the shared cache or the job queue, PostgreSQL for the pool's tests
  const services = [
    ...(answers.cache === 'redis' || answers.cache === 'tiered' || answers.jobs === 'bullmq'
      ? [{ name: 'Redis', url: 'redis://127.0.0.1:6379', variable: 'REDIS_URL' }]
      : []),
    ...(answers.db === 'postgres'
      ? [
          {
            name: 'PostgreSQL',
            url: 'postgres://postgres@127.0.0.1:5432/test',
            variable: 'DATABASE_URL',
          },
        ]
      : []),
  ];

  it("names the servers npm test needs, where it looks for them, and the settings that point it elsewhere; only the project's", async () => {
    const tests = section(await readme(), 'Tests');
    expect(tests).toContain('`npm test`');
    for (const { name, url, variable } of services) {
      expect(tests).toContain(`- ${name} at \`${url}\`; set \`${variable}\` to use another.`);
    }
    const used = new Set(services.map((service) => service.variable));
    for (const variable of ['REDIS_URL', 'DATABASE_URL'].filter((name) => !used.has(name))) {
      expect(tests).not.toContain(variable);
    }
    if (services.length === 0) expect(tests).toContain('They need no other server running.');
    if (used.has('DATABASE_URL')) expect(tests).toContain('a database `test`');
  });

  it(`tells how to add a route on ${answers.framework}: the module, its registration in src/app.ts and its test, as create-perf-app route writes them`, async () => {
    const guide = section(await readme(), 'Adding a route');
    const withRoute = await generate('readme-app', answers, [orders]);
    const [module, registration, test, cached] = codeBlocks(guide);
    expect(guide).toContain('`src/routes/`');
    expect(guide).toContain('`npx create-perf-app route orders`');
    expect(module).toBe(contentOf(withRoute, 'src/routes/orders.ts'));
    expect(test).toBe(contentOf(withRoute, 'test/orders.test.ts'));
    expect(guide).toContain('`test/orders.test.ts`');
    const app = contentOf(withRoute, 'src/app.ts');
    for (const line of (registration ?? '').split('\n').filter(Boolean)) {
      expect(app).toContain(line);
    }
    if (answers.cache === 'none') {
      expect(cached).toBeUndefined();
      expect(guide).toContain('`npx create-perf-app add --cache memory`');
    } else {
      const withCached = await generate('readme-app', answers, [{ ...orders, cached: true }]);
      expect(contentOf(withCached, 'src/app.ts')).toContain(cached?.trim());
      for (const name of ['memoize', 'jsonResponse', 'answer', '--cached']) {
        expect(guide).toContain(name);
      }
    }
  });

  it.runIf(answers.db === 'postgres')(
    "says the embedded database's first start takes a few seconds, with no figure of its own",
    async () => {
      const database = section(await readme(), 'Database');
      expect(database).toContain('which takes a few seconds');
      expect(database).not.toMatch(/ten seconds|\d+ ?s\b|\bseconds or more/);
    },
  );
});
