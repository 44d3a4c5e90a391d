// --node: each Node.js line gets versions whose engines accept it, and a project's engines,
// @types/node, TypeScript target and Dockerfile image name one line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import type { PackageManager } from '../../src/args.js';
import { generate } from '../../src/generate.js';
import {
  defaultAnswers,
  nodeLineOf,
  nodeLines,
  type Answers,
  type NodeLine,
} from '../../src/options.js';
import { node, versionOf, versions, type PackageName } from '../../src/versions.js';
import { allOnAnswers, contentOf, generateOnce } from '../helpers/answers.js';
import { repoRoot } from '../helpers/cli.js';

const recorded = (
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/engines.json'), 'utf8')) as {
    engines: Record<string, string | null>;
  }
).engines;

/** the packages with a column per line */
const perLine = (Object.keys(versions) as PackageName[]).filter(
  (name) => typeof versions[name] !== 'string',
);

/** the oldest release a line's projects accept, and the one their image runs */
const floorOf = (line: NodeLine) => semver.minVersion(node[line].engines)?.version ?? '';
const imageRelease = (line: NodeLine) => /^node:(\d+\.\d+\.\d+)-slim$/.exec(node[line].image)?.[1];

/** `undici@8.14.0`: the lowest version a range takes, which npm view was asked about */
const pinned = (name: PackageName, line: NodeLine) =>
  `${name}@${semver.minVersion(versionOf(name, line))?.version ?? ''}`;

/**
 * Columns that differ for a reason other than the newer version's engines: the types of the
 * line's own API, and the API minor each OpenTelemetry SDK line takes as a peer
 */
const notByEngines = new Set<PackageName>(['@types/node', '@opentelemetry/api']);

describe('the versions of each Node.js line', () => {
  it('has a column per line for undici, cockatiel, p-queue, OpenTelemetry and @types/node', () => {
    for (const name of ['undici', 'cockatiel', 'p-queue', '@opentelemetry/sdk-node', '@types/node'])
      expect(perLine).toContain(name);
  });

  describe.each(nodeLines)('Node.js %s', (line) => {
    it.each(perLine)(
      "%s accepts the line's floor and its image (engines checked with npm view)",
      (name) => {
        const key = pinned(name, line);
        expect(
          Object.keys(recorded),
          `${key}: record its engines in test/fixtures/engines.json`,
        ).toContain(key);
        const engines = recorded[key] ?? '*';
        expect(semver.satisfies(floorOf(line), engines), `${key} needs ${engines}`).toBe(true);
        expect(semver.satisfies(imageRelease(line) ?? '', engines), `${key} needs ${engines}`).toBe(
          true,
        );
      },
    );

    it('gets an older version only where the newer one leaves the line out', () => {
      for (const name of perLine.filter((n) => !notByEngines.has(n))) {
        const newest = pinned(name, '26');
        if (pinned(name, line) === newest) continue;
        const engines = recorded[newest] ?? '*';
        expect(semver.satisfies(floorOf(line), engines), `${newest} takes ${line}`).toBe(false);
      }
    });

    it("runs an image inside its engines, of the line's latest release", () => {
      const release = imageRelease(line);
      expect(release, node[line].image).toBeDefined();
      expect(semver.major(release ?? '0.0.0')).toBe(Number(line));
      expect(semver.satisfies(release ?? '', node[line].engines)).toBe(true);
      expect(semver.major(floorOf(line))).toBe(Number(line));
    });
  });
});

describe.each(nodeLines)('a project for Node.js %s', (line) => {
  const tree = () => generateOnce('line-app', { ...allOnAnswers('fastify'), node: line });

  it('declares, types, compiles for and runs on that one line', async () => {
    const t = await tree();
    const pkg = JSON.parse(contentOf(t, 'package.json')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    const major = (range: string) => semver.major(semver.minVersion(range) ?? '0.0.0');
    expect(major(pkg.engines.node)).toBe(Number(line));
    expect(major(pkg.devDependencies['@types/node'] ?? '')).toBe(Number(line));
    const images = [...contentOf(t, 'Dockerfile').matchAll(/^FROM node:(\d+)\./gm)].map((m) =>
      Number(m[1]),
    );
    expect(images).toEqual([Number(line), Number(line)]);
    const { compilerOptions } = JSON.parse(contentOf(t, 'tsconfig.json')) as {
      compilerOptions: { target: string; lib: string[] };
    };
    expect(compilerOptions.target).toBe(line === '20' ? 'ES2023' : 'ES2024');
    expect(compilerOptions.lib).toEqual([compilerOptions.target]);
  });

  it('records its line in .perf-app.json', async () => {
    const manifest = JSON.parse(contentOf(await tree(), '.perf-app.json')) as {
      answers: { node: string };
    };
    expect(manifest.answers.node).toBe(line);
  });
});

describe('a release held back on a line whose engines the newest leaves out', () => {
  const packageJson = async (answers: Partial<Answers>, pm: PackageManager = 'npm') => {
    const tree = await generate('held-app', { ...defaultAnswers(), ...answers }, [], pm);
    return JSON.parse(contentOf(tree, 'package.json')) as Record<string, unknown>;
  };

  it("holds fastify's light-my-request at 6.6 on Node.js 20, in each manager's field", async () => {
    const pin = { 'light-my-request': '6.6.0' };
    expect((await packageJson({ node: '20' })).overrides).toEqual(pin);
    expect((await packageJson({ node: '20' }, 'pnpm')).pnpm).toMatchObject({ overrides: pin });
    expect((await packageJson({ node: '20' }, 'yarn')).resolutions).toEqual(pin);
  });

  it('holds nothing where the project does not depend on fastify, or on a newer line', async () => {
    for (const answers of [
      { node: '20', framework: 'express' },
      { node: '20', framework: 'hono' },
      { node: '22', framework: 'fastify' },
      { node: '26', framework: 'fastify' },
    ] as const) {
      const pkg = await packageJson(answers);
      expect(pkg, JSON.stringify(answers)).not.toHaveProperty('overrides');
    }
  });
});

describe('nodeLineOf', () => {
  it('takes a known line as it is', () => {
    expect(nodeLineOf('20.19.5')).toEqual({ line: '20', exact: true });
    expect(nodeLineOf('26.12.1')).toEqual({ line: '26', exact: true });
  });

  it('takes the nearest line for another release, the older on a tie', () => {
    expect(nodeLineOf('21.7.3')).toEqual({ line: '20', exact: false });
    expect(nodeLineOf('25.2.0')).toEqual({ line: '24', exact: false });
    expect(nodeLineOf('27.0.0')).toEqual({ line: '26', exact: false });
    expect(nodeLineOf('18.20.0')).toEqual({ line: '20', exact: false });
  });
});
