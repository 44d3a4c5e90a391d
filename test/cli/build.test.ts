// The built CLI renders with templates precompiled at build time (scripts/build.ts), the
// sources compile them from templates/ as they go: both must write the same bytes, for the
// defaults and for every option on, on each framework.

import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { generate } from '../../src/generate.js';
import { answersToFlags, defaultAnswers, type Answers } from '../../src/options.js';
import { writeTree } from '../../src/write.js';
import { assertBuilt, cliTest as it, runCli } from '../helpers/cli.js';
import { pictureOf } from '../helpers/fs.js';

beforeAll(assertBuilt);

const everyOption = (framework: Answers['framework']): Answers => ({
  ...defaultAnswers(),
  framework,
  cache: 'tiered',
  db: 'postgres',
  httpClient: true,
  workers: true,
  jobs: 'bullmq',
  tracing: 'otlp',
  proxy: 'nginx',
});

describe('the built CLI writes what the sources render', () => {
  const sets: [string, Answers][] = [
    ['the defaults', defaultAnswers()],
    ...(['fastify', 'express', 'hono'] as const).map((framework): [string, Answers] => [
      `every option on, ${framework}`,
      everyOption(framework),
    ]),
  ];
  it.for(sets)('%s', async ([, answers], { cwd }) => {
    const flags = answersToFlags(answers);
    const built = await runCli(['api', ...flags, '--no-install', '--no-git'], { cwd });
    expect(built.exitCode, built.stderr).toBe(0);
    const fromSources = join(cwd, 'sources', 'api');
    await writeTree(await generate('api', answers), fromSources);
    expect(await pictureOf(join(cwd, 'api'))).toEqual(await pictureOf(fromSources));
  });
});
