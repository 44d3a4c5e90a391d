// a setting's schema line in src/config.ts, and its default spelled as the environment spells
// it, from the one value a feature declares.

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

/**
 * `// doc` then `NAME: v.optional(schema, 'value'),`: the default spelled as the environment
 * would, so it is read by the same rule as a value that is set
 */
export function envSchemaLine(v: EnvVar): string {
  const fallback = v.default === undefined ? '' : `, '${envSpelling(v.default)}'`;
  return `// ${v.doc}\n${v.name}: v.optional(${v.schema}${fallback}),`;
}

/** the shared schemas (src/settings/schemas.ts) that `vars` use, as config.ts imports them */
export function schemaImports(vars: readonly EnvVar[]): string[] {
  const used = sharedSchemas.filter(({ call }) => vars.some((v) => call.test(v.schema)));
  if (used.length === 0) return [];
  return [`import { ${used.map(({ name }) => name).join(', ')} } from './settings/schemas.js';`];
}

// a call of the name itself: `url()` and `v.array(url())`, not `postgresurl()` or `x.url()`
const sharedSchemas = ['flag', 'prefix', 'share', 'url'].map((name) => ({
  name,
  call: new RegExp(`(?<![\\w$.])${name}\\(`),
}));

/** a default as the environment spells it: `br,gzip`, `67108864`, `false` */
export function envSpelling(value: EnvDefault): string {
  return typeof value === 'object' ? value.join(',') : String(value);
}
