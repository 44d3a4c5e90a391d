// What the generated README tells a new user, for every covering set (each framework, each
// option value): which servers `npm test` needs and the settings that point it elsewhere.

import { describe, expect, it } from 'vitest';
import { contentOf, coveringSets, generateOnce } from '../helpers/answers.js';

/** the text of the section under `## title`, up to the next `## ` heading */
function section(readme: string, title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`the README has no section "${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

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
});
