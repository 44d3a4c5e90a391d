import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

const maxNameLength = 255;
// a separator of any platform, and control characters (NUL among them): never part of a file
// name we serve
const forbidden = /[/\\\p{Cc}]/u;

/**
 * STREAM-6: a download names one file directly inside its folder, as the router decoded it
 * (once: `%252e` stays `%2e`, a name like any other). A path, `.` or `..`, a backslash, NUL,
 * control characters or an over-long name is 'invalid' (400) before the disk is touched;
 * a dotfile is 'hidden' (404), so `.env` and friends are never served.
 */
export function checkFileName(name: string): 'ok' | 'invalid' | 'hidden' {
  if (name.length === 0 || name.length > maxNameLength || forbidden.test(name)) return 'invalid';
  if (name === '.' || name === '..') return 'invalid';
  if (name.startsWith('.')) return 'hidden';
  return 'ok';
}

/**
 * STREAM-6: the real path of `name` inside `root` (itself a real path), with every symlink
 * followed, or undefined when it does not exist, is not a regular file, or lands outside the
 * root: a symlink out of the folder is not served, whatever it points to.
 */
export async function realFileInside(root: string, name: string): Promise<string | undefined> {
  try {
    const real = await realpath(join(root, name));
    if (!real.startsWith(root + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined; // ENOENT, ELOOP, EACCES...: not a file we can serve
  }
}
