// The generated project's test/global-setup.ts, run as vitest runs it before any test: with a
// server its tests need not answering, it stops the run with one line naming that server.
// Its own files (global-setup.ts and the test/env.ts it reads), rendered for each set of
// servers the options can need, are run with tsx against ports on loopback.

import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServicesOf } from '../../src/render/project.js';
import { activeFeatures } from '../../src/features/index.js';
import type { Answers } from '../../src/options.js';
import { contentOf, coveringSets, generateOnce } from '../helpers/answers.js';
import { tempDir } from '../helpers/fs.js';
import { freePort } from '../helpers/net.js';

const servicesOf = (answers: Answers) =>
  testServicesOf({
    name: 'app',
    answers,
    features: activeFeatures(answers),
    routes: [],
    packageManager: 'npm' as const,
  });

// one covering set for each list of servers the options need (none, Redis, PostgreSQL, both)
const byServices = new Map<string, Answers>();
for (const { answers } of coveringSets()) {
  const key = servicesOf(answers)
    .map((service) => service.name)
    .sort()
    .join(', ');
  if (!byServices.has(key)) byServices.set(key, answers);
}

it('covers no server, Redis, PostgreSQL and both', () => {
  expect([...byServices.keys()].sort()).toEqual(['', 'PostgreSQL', 'PostgreSQL, Redis', 'Redis']);
});

const tsx = import.meta.resolve('tsx');

/** a TCP server on loopback that takes connections and says nothing */
async function listener(): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return { port: address.port, server };
}

describe.each([...byServices].filter(([key]) => key !== ''))('with %s', (_key, answers) => {
  const services = servicesOf(answers);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const listeners: Server[] = [];

  beforeAll(async () => {
    dir = await tempDir('cpa-global-setup-');
    const tree = await generateOnce('setup-app', answers);
    await mkdir(join(dir.path, 'test'));
    for (const file of ['test/global-setup.ts', 'test/env.ts']) {
      await writeFile(join(dir.path, file), contentOf(tree, file));
    }
    // as vitest calls it; the build step after the check finds no sources here, so builds nothing
    await writeFile(
      join(dir.path, 'run.mjs'),
      "const { default: setup } = await import('./test/global-setup.ts');\nawait setup();\nconsole.log('set up');\n",
    );
  });
  afterAll(async () => {
    for (const server of listeners) server.close();
    await dir.cleanup();
  });

  const setup = (env: Record<string, string>) =>
    execa('node', ['--import', tsx, 'run.mjs'], {
      cwd: dir.path,
      env,
      extendEnv: false,
      reject: false,
      timeout: 15_000,
    });

  it('stops the run with one line for each server when nothing answers at its URL', async () => {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    const urls: Record<string, string> = {};
    for (const service of services) {
      const url = new URL(service.url);
      url.port = String(await freePort());
      urls[service.variable] = env[service.variable] = url.href;
    }
    const result = await setup(env);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual(
      services.map(
        ({ name, variable, start }) =>
          `The tests need ${name} at ${urls[variable]} (${variable}): nothing answers there. Start it (${start}) or point ${variable} at one.`,
      ),
    );
  });

  it('names only the server that does not answer, and never its password', async () => {
    const [away, ...up] = services;
    if (!away) throw new Error('no service');
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    for (const service of up) {
      const { port, server } = await listener();
      listeners.push(server);
      const url = new URL(service.url);
      url.port = String(port);
      env[service.variable] = url.href;
    }
    const url = new URL(away.url);
    url.port = String(await freePort());
    url.username = 'app';
    url.password = 'hunter2';
    env[away.variable] = url.href;
    const result = await setup(env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).toBe(
      `The tests need ${away.name} at ${url.href.replace('hunter2', '***')} (${away.variable}): nothing answers there. Start it (${away.start}) or point ${away.variable} at one.`,
    );
  });

  it('lets the run go on when every server answers', async () => {
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    for (const service of services) {
      const { port, server } = await listener();
      listeners.push(server);
      const url = new URL(service.url);
      url.port = String(port);
      env[service.variable] = url.href;
    }
    const result = await setup(env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toBe('set up');
  });

  it('looks for each server where the tests do when its setting is unset', async () => {
    const env = contentOf(await generateOnce('setup-app', answers), 'test/env.ts');
    for (const { variable, url } of services) {
      expect(env).toContain(`${variable}: process.env['${variable}'] ?? '${url}',`);
    }
  });
});

it('checks no server in a project whose tests need none', async () => {
  const answers = byServices.get('');
  if (!answers) throw new Error('no set without servers');
  const setup = contentOf(await generateOnce('setup-app', answers), 'test/global-setup.ts');
  expect(setup).not.toContain('node:net');
  expect(setup).not.toContain('services');
});
