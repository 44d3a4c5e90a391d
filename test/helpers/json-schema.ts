// a JSON Schema check for the keywords schema/perf-app.schema.json uses, without a dependency.
// A keyword it does not know is an error, so the schema cannot outgrow it unnoticed.

type Schema = Record<string, unknown>;

const annotations = new Set(['$schema', 'title', 'description']);
const known = new Set([
  ...annotations,
  'type',
  'required',
  'properties',
  'additionalProperties',
  'const',
  'enum',
  'pattern',
  'items',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** every way `value` breaks `schema`, as `path: problem` lines; empty when it conforms */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const problems: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!known.has(keyword))
      throw new Error(`${path}: the test validator does not know "${keyword}"`);
  }
  if ('type' in schema) {
    const actual = typeOf(value);
    const fits = schema['type'] === actual || (schema['type'] === 'number' && actual === 'integer');
    if (!fits) return [`${path}: is ${actual}, not ${String(schema['type'])}`];
  }
  if ('const' in schema && value !== schema['const'])
    problems.push(`${path}: is ${JSON.stringify(value)}, not ${JSON.stringify(schema['const'])}`);
  if ('enum' in schema && !(schema['enum'] as unknown[]).includes(value))
    problems.push(
      `${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema['enum'])}`,
    );
  if (
    'pattern' in schema &&
    typeof value === 'string' &&
    !new RegExp(schema['pattern'] as string, 'u').test(value)
  )
    problems.push(`${path}: "${value}" does not match ${String(schema['pattern'])}`);
  if ('items' in schema && Array.isArray(value)) {
    value.forEach((item, index) => {
      problems.push(...validate(schema['items'] as Schema, item, `${path}[${index}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (schema['required'] as string[] | undefined) ?? []) {
      if (!(key in object)) problems.push(`${path}: lacks "${key}"`);
    }
    const properties = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
    for (const [key, child] of Object.entries(object)) {
      const sub = properties[key] ?? schema['additionalProperties'];
      if (sub === false) problems.push(`${path}: has "${key}", which is not allowed`);
      else if (sub !== undefined && sub !== true)
        problems.push(...validate(sub as Schema, child, `${path}.${key}`));
    }
  }
  return problems;
}
