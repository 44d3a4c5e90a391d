// format fixes: what prettier would change in a rendered file, done at render time so every
// generated file passes the project's own `prettier --check` whatever the answers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { templatesDir } from '../paths.js';

/** the generated project's prettier print width */
export const { printWidth } = JSON.parse(
  readFileSync(join(templatesDir, 'base', '.prettierrc.json'), 'utf8'),
) as { printWidth: number };

/**
 * Pads markdown tables the way prettier does, so a rendered README passes the project's own
 * `prettier --check` whatever rows the features added.
 */
export function alignTables(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!lines[i]?.startsWith('|')) {
      out.push(lines[i] ?? '');
      i++;
      continue;
    }
    const rows: string[][] = [];
    for (; i < lines.length && lines[i]?.startsWith('|'); i++) {
      rows.push(splitRow(lines[i] ?? ''));
    }
    const widths =
      rows[0]?.map((_, column) =>
        Math.max(3, ...rows.filter((_, r) => r !== 1).map((row) => (row[column] ?? '').length)),
      ) ?? [];
    rows.forEach((row, r) => {
      const cells = widths.map((width, column) =>
        r === 1 ? '-'.repeat(width) : (row[column] ?? '').padEnd(width),
      );
      out.push(`| ${cells.join(' | ')} |`);
    });
  }
  return out.join('\n');
}

// cells of `| a | b \| c |`; an escaped pipe stays in its cell
function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/**
 * Orders the leading block of one-line imports as a person would after features added theirs:
 * `node:` built-ins, then packages, then relative paths, each alphabetical by module; and
 * imports of one module that two features each added become one. A file with an import that
 * spans lines is left as it is.
 */
export function sortImports(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((line) => !line.startsWith('import '));
  const block = lines.slice(0, end === -1 ? lines.length : end);
  if (block.length < 2 || block.some((line) => !/ from '[^']+';$/.test(line))) return text;
  const rank = (line: string) => {
    const from = /from '([^']+)';$/.exec(line)?.[1] ?? '';
    const group = from.startsWith('node:') ? 0 : from.startsWith('.') ? 2 : 1;
    return { group, from };
  };
  const sorted = mergeImports(block).sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x.group - y.group || (x.from < y.from ? -1 : x.from > y.from ? 1 : 0);
  });
  return [...sorted, ...lines.slice(block.length)].join('\n');
}

const namedImport = /^import (type )?\{ (.+) \} from '([^']+)';$/;

/**
 * `import { a } from 'm'` and `import type { B } from 'm'` become `import { a, type B } from 'm'`;
 * named imports only, and only while the line stays within the print width (else both stay).
 */
function mergeImports(lines: string[]): string[] {
  const byModule = new Map<string, { typeOnly: boolean; names: string[] }[]>();
  for (const line of lines) {
    const [, type, names, from] = namedImport.exec(line) ?? [];
    if (!names || !from) continue;
    byModule.set(from, [
      ...(byModule.get(from) ?? []),
      { typeOnly: !!type, names: names.split(', ') },
    ]);
  }
  const merged = new Map<string, string>();
  for (const [from, imports] of byModule) {
    if (imports.length < 2) continue;
    const typeOnly = imports.every((entry) => entry.typeOnly);
    const names = imports.flatMap((entry) =>
      entry.names.map((name) => (entry.typeOnly && !typeOnly ? `type ${name}` : name)),
    );
    const line = `import ${typeOnly ? 'type ' : ''}{ ${[...new Set(names)].join(', ')} } from '${from}';`;
    if (line.length <= printWidth) merged.set(from, line);
  }
  const written = new Set<string>();
  return lines.flatMap((line) => {
    const from = namedImport.exec(line)?.[3];
    const replacement = from === undefined ? undefined : merged.get(from);
    if (from === undefined || replacement === undefined) return [line];
    if (written.has(from)) return [];
    written.add(from);
    return [replacement];
  });
}
