// Writes a plan into an existing project all at once: every new content is written beside its
// target first; then each target is moved aside and the new one moved in, and the manifest
// and merge base last. A failure or Ctrl-C at any point puts back what was there.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CliError, exitCodes, InterruptedError } from '../errors.js';
import type { Content, Step } from './plan.js';

interface Change {
  /** where it lands, relative to the project */
  path: string;
  /** undefined to delete the file */
  content: Content | undefined;
}

/** the changes a plan makes, then the bookkeeping files, which go last */
export function changesOf(steps: Step[], bookkeeping: Change[]): Change[] {
  const changes = steps.flatMap((step): Change[] => {
    if (step.action === 'delete') return [{ path: step.path, content: undefined }];
    if (step.action === 'beside') return [{ path: `${step.path}.new`, content: step.content }];
    return step.content === undefined ? [] : [{ path: step.path, content: step.content }];
  });
  return [...changes, ...bookkeeping];
}

export async function applyChanges(root: string, changes: Change[]): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  const staged = (path: string) => join(root, `${path}.perf-app-new-${tag}`);
  const saved = (path: string) => join(root, `${path}.perf-app-old-${tag}`);
  const moved: { path: string; hadFile: boolean }[] = [];
  let interrupted = false;
  const onSignal = () => (interrupted = true);
  process.on('SIGINT', onSignal);
  const stopIfAsked = () => {
    if (interrupted) throw new InterruptedError();
  };

  const undo = async () => {
    for (const { path, hadFile } of moved.toReversed()) {
      await rm(join(root, path), { force: true });
      if (hadFile) await rename(saved(path), join(root, path));
    }
  };
  const created: string[] = [];
  // the first folder each staged file needed that was not there: gone again on undo
  const madeDirs: string[] = [];
  let at = '';
  try {
    for (const { path, content } of changes) {
      if (content === undefined) continue;
      at = path;
      stopIfAsked();
      const made = await mkdir(dirname(join(root, path)), { recursive: true });
      if (made !== undefined) madeDirs.push(made);
      await writeFile(staged(path), content);
      created.push(staged(path));
    }
    for (const { path, content } of changes) {
      at = path;
      stopIfAsked();
      const target = join(root, path);
      const hadFile = await rename(target, saved(path)).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      moved.push({ path, hadFile });
      if (content !== undefined) await rename(staged(path), target);
    }
  } catch (error) {
    await undo();
    for (const file of created) await rm(file, { force: true });
    for (const dir of madeDirs.toReversed()) await rm(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    if (error instanceof InterruptedError) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    throw new CliError(
      `Could not write ${at}: ${code ?? message}${code ? ` (${message})` : ''}.`,
      exitCodes.failure,
      'Nothing was changed: every file is as it was. Clear the way for that path and run this again.',
    );
  }
  try {
    for (const file of created) await rm(file, { force: true });
    // done: a Ctrl-C from here on is noted and ignored, so the clean-up always finishes
    for (const { path, hadFile } of moved) if (hadFile) await rm(saved(path), { force: true });
    // a folder the deletes left empty goes too, as it would not be there had the option never been on
    for (const { path, content } of changes) {
      if (content !== undefined) continue;
      for (let dir = dirname(path); dir !== '.'; dir = dirname(dir)) {
        if ((await readdir(join(root, dir)).catch(() => ['?'])).length > 0) break;
        await rmdir(join(root, dir));
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
}
