// What a command does to each file of an existing project, decided before anything is
// written: from the user's files (disk), what was generated last time (base) and what the
// generator makes now (next).

import { mergeJson, mergeLineSet, mergeText, type Labels, type Merged } from './merge.js';

export type Action =
  | 'create' // new from the generator, and the path is free
  | 'update' // untouched by the user: replaced
  | 'merge' // edited by the user and changed by the generator: merged cleanly
  | 'conflict' // merged with conflict markers for the user to resolve
  | 'delete' // no longer generated, untouched by the user
  | 'keep' // left as it is (the user's edit, or nothing to change)
  | 'skip-deleted' // deleted by the user: stays deleted
  | 'beside'; // a binary file both changed: the new version written beside it

export interface Step {
  path: string;
  action: Action;
  /** why, in a few words a user reads in the summary */
  reason: string;
  /** what is written at `path` (or at `path` + `.new` for `beside`); none for keep and skip */
  content?: string | Buffer;
}

export type Content = string | Buffer;

const equal = (a: Content | undefined, b: Content | undefined) =>
  a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));

const isText = (content: Content | undefined) =>
  content === undefined || typeof content === 'string' || !content.includes(0);

/** how a file is merged: JSON by key, line-set files by line, the rest as text */
function mergeOf(
  path: string,
): (ours: string, base: string, theirs: string, labels: Labels) => Merged {
  const name = path.split('/').at(-1) ?? path;
  if (name.endsWith('.json')) return mergeJson;
  if (name === '.gitignore' || name === '.env.example' || name === '.dockerignore') {
    return (ours, base, theirs) => mergeLineSet(ours, base, theirs);
  }
  return mergeText;
}

function merged(path: string, disk: Content, base: Content, next: Content, labels: Labels): Step {
  if (!isText(disk) || !isText(base) || !isText(next) || typeof next !== 'string') {
    return {
      path,
      action: 'beside',
      reason: `binary, changed by you and by the generator: the new version is ${path}.new`,
      content: next,
    };
  }
  const { content, conflict } = mergeOf(path)(disk.toString(), base.toString(), next, labels);
  // prose the user rewrote (a README) clashes with every new section: theirs stays whole, and
  // the generated version goes beside it to read
  if (conflict && path.endsWith('.md')) {
    return {
      path,
      action: 'beside',
      reason: `rewritten by you: kept; the generated version is ${path}.new`,
      content: next,
    };
  }
  return conflict
    ? { path, action: 'conflict', reason: 'your edits and the new version clash', content }
    : { path, action: 'merge', reason: 'your edits kept, the new version merged in', content };
}

/**
 * One step per path the base or the next render has. A file the user added is not looked at;
 * a file the user deleted stays deleted.
 */
export function planSteps(
  disk: ReadonlyMap<string, Content | undefined>,
  base: ReadonlyMap<string, Content>,
  next: ReadonlyMap<string, Content>,
  labels: Labels,
): Step[] {
  const paths = [...new Set([...base.keys(), ...next.keys()])].sort();
  return paths.flatMap((path): Step[] => {
    const [mine, was, now] = [disk.get(path), base.get(path), next.get(path)];
    if (was === undefined && now !== undefined) {
      if (mine === undefined) return [{ path, action: 'create', reason: 'new', content: now }];
      if (equal(mine, now)) return [{ path, action: 'keep', reason: 'already as generated' }];
      return [merged(path, mine, typeof now === 'string' ? '' : Buffer.alloc(0), now, labels)];
    }
    if (was !== undefined && now !== undefined) {
      if (mine === undefined) {
        const reason = equal(was, now)
          ? 'deleted by you'
          : 'deleted by you; the generator changed it: restore it with git to see the new version';
        return [{ path, action: 'skip-deleted', reason }];
      }
      if (equal(mine, was)) {
        return equal(now, was)
          ? []
          : [{ path, action: 'update', reason: 'untouched: replaced', content: now }];
      }
      if (equal(now, was)) return [{ path, action: 'keep', reason: 'edited by you' }];
      if (equal(mine, now)) return [{ path, action: 'keep', reason: 'already as generated' }];
      return [merged(path, mine, was, now, labels)];
    }
    // generated before, not any more
    if (mine === undefined) return [];
    if (was !== undefined && equal(mine, was)) {
      return [{ path, action: 'delete', reason: 'no longer generated' }];
    }
    return [{ path, action: 'keep', reason: 'no longer generated, but edited by you: kept' }];
  });
}
