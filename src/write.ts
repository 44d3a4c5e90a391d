// writes a new project's tree to disk so that it appears whole or not at all, and never
// replaces or deletes a file the user already had.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.js';
import type { Tree, TreeFile } from './tree.js';

export type TargetState = 'missing' | 'empty' | 'git-only' | 'not-empty';

/** a folder holding nothing but `.git` may be used without --force, as create-vite allows */
export async function targetState(dir: string): Promise<TargetState> {
  if (!existsSync(dir)) return 'missing';
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR')
      throw new CliError(`${dir} exists and is a file, not a directory.`);
    throw error;
  });
  if (entries.length === 0) return 'empty';
  return entries.every((entry) => entry === '.git') ? 'git-only' : 'not-empty';
}

/**
 * The paths of the tree that cannot be written into `dir` without replacing something: a file
 * with different content, a folder where the project has a file, or a file where it needs a folder.
 */
export async function clashes(tree: Tree, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of tree.files()) {
    const existing = await readFile(join(dir, file.path)).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? undefined : error,
    );
    if (existing instanceof Error || (existing !== undefined && !existing.equals(bytesOf(file)))) {
      found.push(file.path);
    }
  }
  return found;
}

/** where the project's README goes in a folder that has a README.md of the user's */
export const readmeBeside = 'README.create-perf-app.md';

/**
 * Fits the tree into a folder that already has files (--force). A README.md of the user's
 * stays, and the project's goes beside it as `readmeBeside`: a repository made on GitHub with
 * a README is a common place to start. Returns the user's files the project would still
 * replace, which writeTree refuses, and whether the README moved.
 */
export async function fitBesideUserFiles(
  tree: Tree,
  dir: string,
): Promise<{ clashes: string[]; readmeMoved: boolean }> {
  const found = await clashes(tree, dir);
  if (!found.includes('README.md')) return { clashes: found, readmeMoved: false };
  tree.rename('README.md', readmeBeside);
  // read again: a file of the user's may be at the new path too
  return { clashes: await clashes(tree, dir), readmeMoved: true };
}

/**
 * Writes every file into a hidden staging folder beside the target, then moves it into place:
 * one rename for a new or empty target, one rename per file for a folder that already has
 * files (--force). An interruption before the move leaves the target as it was. `pending` is a
 * file still being made (the base, deflated in the thread pool while the others are written):
 * it joins the tree and is written once it is ready.
 */
export async function writeTree(
  tree: Tree,
  dir: string,
  pending?: Promise<TreeFile>,
): Promise<void> {
  const staging = join(
    dirname(dir),
    `.${basename(dir)}.perf-app-${randomBytes(4).toString('hex')}`,
  );
  const removeStaging = () => rm(staging, { recursive: true, force: true });
  const onSignal = () => {
    void removeStaging().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    // synchronously: a hundred small files are written in a fraction of the time that a
    // promise per call takes; a pending file is made in the thread pool meanwhile, and needs
    // the main thread only once it is done
    const made = new Set<string>();
    const write = (file: TreeFile) => {
      const path = join(staging, file.path);
      const folder = dirname(path);
      if (!made.has(folder)) mkdirSync(folder, { recursive: true });
      made.add(folder);
      writeFileSync(path, file.content);
    };
    for (const file of tree.files()) write(file);
    if (pending) {
      const file = await pending;
      tree.addFile(file);
      write(file);
    }
    const state = await targetState(dir);
    if (state === 'missing' || state === 'empty') {
      if (state === 'empty') await rmdir(dir);
      await mkdir(dirname(dir), { recursive: true });
      await rename(staging, dir);
      return;
    }
    const clashing = await clashes(tree, dir);
    if (clashing.length > 0) {
      throw new CliError(
        `${dir} already has different ${clashing.length === 1 ? 'content in' : 'files at'}: ${clashing.join(', ')}`,
        1,
        'Nothing was written. Move those files away, or pick another directory.',
      );
    }
    for (const file of tree.files()) {
      const path = join(dir, file.path);
      await mkdir(dirname(path), { recursive: true });
      await rename(join(staging, file.path), path);
    }
  } finally {
    process.off('SIGINT', onSignal);
    await removeStaging();
  }
}

const bytesOf = (file: TreeFile) =>
  typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
