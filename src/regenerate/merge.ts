// Three-way merges of one file: what the user has (ours), what was generated last time (base)
// and what the generator makes now (theirs). Text by line (node-diff3), JSON by key, the
// line-set files (.gitignore, .env.example) by line. A clash leaves standard conflict markers.

import { merge as diff3 } from 'node-diff3';

export interface Merged {
  content: string;
  conflict: boolean;
}

/** the labels on the two sides of a conflict */
export interface Labels {
  ours: string;
  theirs: string;
}

const crlf = (text: string) => text.includes('\r\n');
const toLf = (text: string) => text.replaceAll('\r\n', '\n');

/**
 * Line-based diff3. A file the user keeps with CRLF line ends is merged as LF and given back
 * with CRLF, so a line ending is never a change.
 */
export function mergeText(ours: string, base: string, theirs: string, labels: Labels): Merged {
  const windows = crlf(ours);
  const [a, o, b] = [toLf(ours), toLf(base), toLf(theirs)];
  let content: string;
  let conflict = false;
  if (a === o || a === b) content = b;
  else if (b === o) content = a;
  else {
    const result = diff3(a.split('\n'), o.split('\n'), b.split('\n'), {
      label: { a: labels.ours, b: labels.theirs },
    }) as { conflict: boolean; result: string[] };
    content = result.result.join('\n');
    conflict = result.conflict;
  }
  return { content: windows ? content.replaceAll('\n', '\r\n') : content, conflict };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** a key both sides changed to different values, by its path */
class KeyClash extends Error {}

function mergeValue(
  ours: Json | undefined,
  base: Json | undefined,
  theirs: Json | undefined,
  path: string,
): Json | undefined {
  if (same(ours, base)) return theirs;
  if (same(theirs, base) || same(ours, theirs)) return ours;
  // one side removed the key, the other changed it: the user's side stands (their edit, or
  // their removal)
  if (theirs === undefined || ours === undefined) return ours;
  if (isObject(ours) && isObject(theirs)) {
    const from = isObject(base) ? base : {};
    const merged: { [key: string]: Json } = {};
    // the user's order first, then keys the generator adds
    const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
    for (const key of keys) {
      const value = mergeValue(ours[key], from[key], theirs[key], `${path}.${key}`);
      if (value !== undefined) merged[key] = value;
    }
    return merged;
  }
  throw new KeyClash(path.slice(1));
}

/**
 * JSON merged by key (package.json, tsconfig.json): a key the user added, changed or removed
 * stays as they left it unless the generator changed that same key; a key the generator added,
 * changed or removed follows it. A key one side removed and the other changed is the user's. When both changed one key differently, the file is merged as
 * text instead, which shows the clash with markers. Written back with two-space indentation.
 */
export function mergeJson(ours: string, base: string, theirs: string, labels: Labels): Merged {
  let parsed: [Json, Json, Json];
  try {
    parsed = [JSON.parse(ours), JSON.parse(base), JSON.parse(theirs)] as [Json, Json, Json];
  } catch {
    return mergeText(ours, base, theirs, labels);
  }
  try {
    const merged = mergeValue(...parsed, '');
    const text = `${JSON.stringify(merged, null, 2)}\n`;
    return { content: crlf(ours) ? text.replaceAll('\n', '\r\n') : text, conflict: false };
  } catch (error) {
    if (error instanceof KeyClash) return mergeText(ours, base, theirs, labels);
    throw error;
  }
}

/** a setting's line is known by its name (`PORT=`), so a changed default is the same line */
const identity = (line: string) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1] ?? line;

/**
 * A file read as a set of lines (.gitignore, .env.example): the user's lines in their order;
 * a line the generator no longer writes goes unless the user changed it; a line it writes now
 * that is new comes after the line it follows in the new version; a setting whose line the user
 * left as generated takes the new line. Never a conflict.
 */
export function mergeLineSet(ours: string, base: string, theirs: string): Merged {
  const windows = crlf(ours);
  const lines = (text: string) => toLf(text).replace(/\n$/, '').split('\n');
  const [a, o, b] = [lines(ours), lines(base), lines(theirs)];
  const inBase = new Map(o.map((line) => [identity(line), line]));
  const inTheirs = new Map(b.map((line) => [identity(line), line]));
  const result = a.flatMap((line) => {
    const id = identity(line);
    const was = inBase.get(id);
    const now = inTheirs.get(id);
    if (was !== line) return [line]; // the user's own line, or one they changed
    if (now === undefined) return line === '' ? [line] : []; // no longer generated
    return [now];
  });
  const have = new Set(result.map(identity));
  b.forEach((line, index) => {
    const id = identity(line);
    if (line === '' || inBase.has(id) || have.has(id)) return;
    const after = b.slice(0, index).findLast((previous) => have.has(identity(previous)));
    const at =
      after === undefined ? 0 : result.findLastIndex((r) => identity(r) === identity(after)) + 1;
    result.splice(at, 0, line);
    have.add(id);
  });
  const content = `${result.join('\n')}\n`;
  return { content: windows ? content.replaceAll('\n', '\r\n') : content, conflict: false };
}
