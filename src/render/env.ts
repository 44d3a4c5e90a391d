// a setting's zod line in src/config.ts, and its default spelled for the environment and for
// TypeScript, from the one value a feature declares.

import { isDeepStrictEqual } from 'node:util';
import type { EnvDefault, EnvVar } from '../features/types.js';
import type { Project } from './project.js';

/**
 * Each feature's settings, in feature order, each setting once: one that two features need
 * (`REDIS_URL`, for the cache and the job queue) is declared by both, the same way, and
 * written where the first declares it. Two different declarations of one name are a bug.
 */
export function envOf(project: Project): EnvVar[][] {
  const seen = new Map<string, EnvVar>();
  return project.features.map((feature) =>
    (feature.env?.(project.answers) ?? []).filter((v) => {
      const earlier = seen.get(v.name);
      if (earlier && !isDeepStrictEqual(earlier, v)) {
        throw new Error(`${feature.id} declares ${v.name} unlike an earlier feature`);
      }
      seen.set(v.name, v);
      return !earlier;
    }),
  );
}

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
