// create-perf-app check: is the project what its answers and generator version render, apart
// from the user's own edits? For CI: exit 0 when it is, 1 with the reason when an update or a
// conflict is pending. It reads; it never writes.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from './generate.js';
import { hashContent, isBookkeeping, readManifest } from './manifest.js';
import { generator } from './paths.js';

export interface CheckReport {
  status: 'current' | 'update' | 'conflict';
  /** one line, for a CI log */
  reason: string;
  /** the generator versions: the one that made the project, and this one */
  version: { project: string; tool: string };
  /** files that still hold merge conflict markers */
  conflicted: string[];
  /** files this version would write differently (or no longer write, or newly write) */
  pending: string[];
  /** generated files the user has changed or deleted: theirs, and kept by every command */
  edited: string[];
}

// a line git merge-file or our own merges write: seven signs and a space, at a line's start
const markers = /^(<{7}|>{7}) /m;

/** the files among `paths` (relative to `root`) that hold conflict markers */
export async function filesWithMarkers(root: string, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const content = await readFile(join(root, path), 'utf8').catch(() => '');
    if (markers.test(content)) found.push(path);
  }
  return found;
}

/** reads the project in `root` and says whether it is current */
export async function checkProject(root: string): Promise<CheckReport> {
  const manifest = await readManifest(root);
  const version = { project: manifest.generator.version, tool: generator.version };
  const onDisk = new Map<string, Buffer | undefined>();
  for (const path of Object.keys(manifest.files)) {
    onDisk.set(path, await readFile(join(root, path)).catch(() => undefined));
  }

  const conflicted = [...onDisk]
    .filter(([, content]) => content !== undefined && markers.test(content.toString('utf8')))
    .map(([path]) => path);
  const edited = [...onDisk]
    .filter(([path, content]) => {
      const recorded = manifest.files[path]?.hash;
      return content === undefined || hashContent(content) !== recorded;
    })
    .map(([path]) => path);

  const report = (status: CheckReport['status'], reason: string, pending: string[] = []) => ({
    status,
    reason,
    version,
    conflicted,
    pending,
    edited,
  });

  if (conflicted.length > 0) {
    return report(
      'conflict',
      `${count(conflicted.length, 'file')} still ${conflicted.length === 1 ? 'holds' : 'hold'} conflict markers: ${list(conflicted)}`,
    );
  }
  if (version.project !== version.tool) {
    return report(
      'update',
      `made by ${generator.name} ${version.project}; this is ${version.tool}: run \`${generator.name} update\``,
    );
  }

  // what this version makes of the same answers, against what it made then
  const tree = await generate(
    manifest.name,
    manifest.answers,
    manifest.routes,
    manifest.packageManager,
    // the base is bookkeeping, compared with nothing here
    { withBase: false },
  );
  const now = new Map(
    tree
      .files()
      .filter((file) => !isBookkeeping(file.path))
      .map((file) => [file.path, hashContent(file.content)]),
  );
  const pending = [
    ...[...now].filter(([path, hash]) => manifest.files[path]?.hash !== hash).map(([path]) => path),
    ...Object.keys(manifest.files).filter((path) => !now.has(path)),
  ].sort();
  if (pending.length > 0) {
    return report(
      'update',
      `${count(pending.length, 'file')} would be written differently from the same answers: ${list(pending)}; run \`${generator.name} update\``,
      pending,
    );
  }
  return report(
    'current',
    `up to date with ${generator.name} ${version.tool}` +
      (edited.length > 0 ? ` (${count(edited.length, 'generated file')} edited by you)` : ''),
  );
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function list(paths: string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}
