// .perf-app.json: what a later add, remove or update needs to know about the project:
// the answers it was made with, the generator version, and each generated file's owner and hash.

import { createHash } from 'node:crypto';
import type { Answers } from './options.js';
import { generator } from './paths.js';
import type { Tree } from './tree.js';

export const manifestPath = '.perf-app.json';

export interface Manifest {
  $schema: string;
  generator: { name: string; version: string };
  answers: Answers;
  files: Record<string, { feature: string; hash: string }>;
}

export function hashContent(content: string | Buffer): string {
  return `sha256-${createHash('sha256').update(content).digest('base64')}`;
}

export function buildManifest(tree: Tree, answers: Answers): Manifest {
  const files: Manifest['files'] = {};
  for (const file of tree.files()) {
    if (file.path !== manifestPath)
      files[file.path] = { feature: file.owner, hash: hashContent(file.content) };
  }
  return {
    $schema: `https://unpkg.com/${generator.name}@${generator.version}/schema/perf-app.schema.json`,
    generator,
    answers,
    files,
  };
}

export function renderManifest(tree: Tree, answers: Answers): void {
  tree.add(manifestPath, `${JSON.stringify(buildManifest(tree, answers), null, 2)}\n`, 'base');
}
