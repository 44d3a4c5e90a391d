// a setting's zod line in src/config.ts, and its default spelled for the environment and for
// TypeScript, from the one value a feature declares.

import type { EnvDefault, EnvVar } from '../features/types.js';

/** `// doc` then `NAME: schema.default(value),`, or `.optional()` without a default */
export function envSchemaLine(v: EnvVar): string {
  const fallback = v.default === undefined ? '.optional()' : `.default(${codeSpelling(v.default)})`;
  return `// ${v.doc}\n${v.name}: ${v.schema}${fallback},`;
}

/** a default as the environment spells it: `br,gzip`, `67108864`, `false` */
export function envSpelling(value: EnvDefault): string {
  return typeof value === 'object' ? value.join(',') : String(value);
}

const mebibyte = 1024 * 1024;

/** a default as TypeScript writes it: `['br', 'gzip']`, `64 * 1024 * 1024`, `10_000`, `false` */
export function codeSpelling(value: EnvDefault): string {
  if (typeof value === 'object') return `[${value.map((item) => `'${item}'`).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return String(value);
  if (value >= mebibyte && value % mebibyte === 0) {
    return value === mebibyte ? '1024 * 1024' : `${value / mebibyte} * 1024 * 1024`;
  }
  return value >= 10_000 ? String(value).replace(/\B(?=(\d{3})+$)/g, '_') : String(value);
}
