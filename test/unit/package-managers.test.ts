// A project in its package manager's words: package.json (the pinned release, which install
// scripts run, scripts yarn's shell can run), .yarnrc.yml, the Dockerfile's install and prune,
// and no text that tells a pnpm or yarn user to type npm. Every option on, so that every
// feature's words and install scripts are there; formatted as the project's lint wants.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import type { PackageManager } from '../../src/args.js';
import { generate } from '../../src/generate.js';
import {
  detectPackageManager,
  inManagerWords,
  projectPackageManager,
  runScript,
} from '../../src/package-manager.js';
import { packageManagerVersions } from '../../src/versions.js';
import { allOnAnswers, contentOf, textFiles } from '../helpers/answers.js';

const answers = { ...allOnAnswers('fastify'), jobs: 'bullmq', tracing: 'otlp' } as const;
const trees = new Map<PackageManager, ReturnType<typeof generate>>();
const treeOf = (pm: PackageManager) => {
  let tree = trees.get(pm);
  if (!tree) trees.set(pm, (tree = generate('pm-app', answers, [], pm)));
  return tree;
};
const packageJson = async (pm: PackageManager) =>
  JSON.parse(contentOf(await treeOf(pm), 'package.json')) as {
    packageManager?: string;
    scripts: Record<string, string>;
    pnpm?: { onlyBuiltDependencies: string[]; ignoredBuiltDependencies: string[] };
    dependenciesMeta?: Record<string, { built: boolean }>;
  };

describe('the words of a package manager', () => {
  it.for([
    ['npm', 'npm run dev', 'npm test', 'npm run profile -- /a'],
    ['pnpm', 'pnpm dev', 'pnpm test', 'pnpm profile /a'],
    ['yarn', 'yarn dev', 'yarn test', 'yarn profile /a'],
  ] as const)('%s', ([pm, dev, test, profile]) => {
    expect([runScript(pm, 'dev'), runScript(pm, 'test'), runScript(pm, 'profile', '/a')]).toEqual([
      dev,
      test,
      profile,
    ]);
    expect(
      inManagerWords('`npm run dev`, `npm test`, `npm run profile -- /a` and npm install', pm),
    ).toBe(`\`${dev}\`, \`${test}\`, \`${profile}\` and npm install`);
  });

  it('the manager that ran create, from its user agent; bun is named, to be refused', () => {
    expect(detectPackageManager('pnpm/10.34.8 npm/? node/v20.20.0 linux x64')).toBe('pnpm');
    expect(detectPackageManager('yarn/4.18.1 npm/? node/v20.20.0 linux x64')).toBe('yarn');
    expect(detectPackageManager('bun/1.2.0 npm/? node/v20.20.0 linux x64')).toBe('bun');
    expect(detectPackageManager('npm/10.9.0 node/v20.20.0 linux x64')).toBe('npm');
    expect(detectPackageManager('')).toBe('npm');
  });

  it("an older project's manager, from package.json's field, else its lockfile, else npm", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-pm-'));
    try {
      expect(projectPackageManager(dir)).toBe('npm');
      await writeFile(join(dir, 'yarn.lock'), '');
      expect(projectPackageManager(dir)).toBe('yarn');
      await writeFile(join(dir, 'package.json'), '{"packageManager":"pnpm@10.34.8"}');
      expect(projectPackageManager(dir)).toBe('pnpm');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(['npm', 'pnpm', 'yarn'] as const)('a %s project', (pm) => {
  it('pins the release in packageManager, and records the manager', async () => {
    const pkg = await packageJson(pm);
    expect(pkg.packageManager).toBe(
      pm === 'npm' ? undefined : `${pm}@${packageManagerVersions[pm]}`,
    );
    const manifest = JSON.parse(contentOf(await treeOf(pm), '.perf-app.json')) as object;
    expect(manifest).toMatchObject({ packageManager: pm });
  });

  it("has scripts each manager runs: build does postbuild's work, exec only where a shell has it", async () => {
    const { scripts } = await packageJson(pm);
    expect(Object.keys(scripts).filter((name) => /^(pre|post)/.test(name))).toEqual([]);
    expect(scripts['build']).toBe('tsc -p tsconfig.build.json && node dist/precompress.js public');
    for (const name of ['start', 'worker']) {
      expect(scripts[name]?.startsWith('exec node '), name).toBe(pm !== 'yarn');
    }
    expect(scripts['bench']).toBe(`${runScript(pm, 'build')} && tsx bench/run.ts`);
  });

  it('says which dependencies run their install scripts', async () => {
    const pkg = await packageJson(pm);
    const pnpm = {
      onlyBuiltDependencies: ['esbuild'],
      ignoredBuiltDependencies: ['msgpackr-extract', 'protobufjs'],
    };
    const yarn = {
      esbuild: { built: true },
      'msgpackr-extract': { built: false },
      protobufjs: { built: false },
    };
    expect(pkg.pnpm).toEqual(pm === 'pnpm' ? pnpm : undefined);
    expect(pkg.dependenciesMeta).toEqual(pm === 'yarn' ? yarn : undefined);
  });

  it('has a .yarnrc.yml with a node_modules/ folder for yarn only', async () => {
    const tree = await treeOf(pm);
    if (pm !== 'yarn') {
      expect(tree.get('.yarnrc.yml')).toBeUndefined();
      return;
    }
    expect(contentOf(tree, '.yarnrc.yml')).toMatch(/^nodeLinker: node-modules$/m);
    expect(contentOf(tree, '.gitignore')).toMatch(/^\.yarn\/\*$/m);
  });

  it("installs from the lockfile and prunes with the manager's own commands in the Dockerfile", async () => {
    const dockerfile = contentOf(await treeOf(pm), 'Dockerfile');
    const build = dockerfile.slice(0, dockerfile.lastIndexOf('\nFROM '));
    const expected = {
      npm: ['COPY package*.json ./', 'RUN npm ci', 'RUN npm run build && npm prune --omit=dev'],
      pnpm: [
        'RUN corepack enable',
        'COPY package.json pnpm-lock.yaml ./',
        'RUN pnpm install --frozen-lockfile',
        'RUN pnpm build && pnpm prune --prod',
      ],
      yarn: [
        'RUN corepack enable',
        'COPY package.json yarn.lock .yarnrc.yml ./',
        'RUN yarn install --immutable',
        'RUN yarn build && yarn workspaces focus --all --production',
      ],
    }[pm];
    const lines = build.split('\n').filter((line) => /^(RUN|COPY)/.test(line));
    expect(lines).toEqual([
      ...expected.slice(0, -1),
      'COPY . .',
      `${expected.at(-1) ?? ''} && mkdir -p public`,
    ]);
  });

  it('tells its user to type its own commands, in every file', async () => {
    if (pm === 'npm') return;
    const npmWords = /\bnpm (run|test|start|ci|prune)\b|'npm'/;
    const saying = textFiles(await treeOf(pm))
      .filter((file) => npmWords.test(file.content))
      .map((file) => `${file.path}: ${npmWords.exec(file.content)?.[0]}`);
    expect(saying).toEqual([]);
  });

  // npm's are checked with every covering set by format.test.ts
  it.skipIf(pm === 'npm')(
    'writes every file already formatted by prettier',
    async () => {
      const tree = await treeOf(pm);
      const options = JSON.parse(contentOf(tree, '.prettierrc.json')) as prettier.Options;
      const unformatted: string[] = [];
      for (const file of textFiles(tree)) {
        if (!/\.(ts|js|json|md|ya?ml)$/.test(file.path)) continue;
        if (!(await prettier.check(file.content, { ...options, filepath: file.path })))
          unformatted.push(file.path);
      }
      expect(unformatted).toEqual([]);
    },
    60_000,
  );
});
