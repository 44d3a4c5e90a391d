// the package manager of a project: how it is named in the project's files and the words a
// person types with it. npm, pnpm and yarn (berry, through corepack) are supported; see
// docs/architecture.md, "Package managers".

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackageManager } from './args.js';
import { packageManagerVersions } from './versions.js';

/** who ran this: `npm create`, `pnpm create`, `yarn create` and `bun create` each say so here */
export function detectPackageManager(
  userAgent = process.env['npm_config_user_agent'] ?? '',
): PackageManager | 'bun' {
  const name = userAgent.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/** package.json's `packageManager`: the release corepack runs; npm is the one Node.js brings */
export const packageManagerField = (pm: PackageManager): string | undefined =>
  pm === 'npm' ? undefined : `${pm}@${packageManagerVersions[pm]}`;

/**
 * A script as a person runs it: `npm run dev`, `npm test`, `pnpm dev`, `yarn dev`; `args` go to
 * the script (`npm run profile -- /a`, `pnpm profile /a`).
 */
export function runScript(pm: PackageManager, script: string, args?: string): string {
  if (pm !== 'npm') return [pm, script, args].filter(Boolean).join(' ');
  const run = script === 'test' || script === 'start' ? `npm ${script}` : `npm run ${script}`;
  return args ? `${run} -- ${args}` : run;
}

/**
 * The arguments of the install that makes or updates the lockfile. pnpm and yarn default to a
 * frozen lockfile when CI is set, which a new project (no lockfile yet) or a changed
 * package.json cannot have.
 */
export const installArgs = (pm: PackageManager): string[] =>
  ({
    npm: ['install'],
    pnpm: ['install', '--no-frozen-lockfile'],
    yarn: ['install', '--no-immutable'],
  })[pm];

const lockfiles: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
];

/**
 * The manager of a project whose manifest does not name one (made before it was recorded):
 * package.json's `packageManager`, else its lockfile, else npm.
 */
export function projectPackageManager(root: string): PackageManager {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      packageManager?: unknown;
    };
    const name = typeof pkg.packageManager === 'string' ? pkg.packageManager.split('@')[0] : '';
    if (name === 'pnpm' || name === 'yarn' || name === 'npm') return name;
  } catch {
    // no package.json, or not JSON: the lockfile may still say
  }
  return lockfiles.find(([file]) => existsSync(join(root, file)))?.[1] ?? 'npm';
}

/**
 * Text written in npm's words, as templates and features write it (`npm run dev`, `npm start`,
 * `npm test`, `npm run profile -- /a`), in the words of `pm`: `pnpm dev`, `yarn profile /a`
 */
export function inManagerWords(text: string, pm: PackageManager): string {
  if (pm === 'npm') return text;
  return text
    .replace(
      /\bnpm run ([\w:-]+)(?: (\[?)-- )?/g,
      (whole, script: string, bracket?: string) =>
        `${runScript(pm, script)}${whole.endsWith(' ') ? ` ${bracket ?? ''}` : ''}`,
    )
    .replace(/\bnpm (start|test)\b/g, (_, script: string) => runScript(pm, script));
}
