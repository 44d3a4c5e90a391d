// argv → a typed request. Flags come from the option model, so --help, validation and
// the prompts can never disagree about what exists.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';
import { optionKeys, specOf, type Answers, type OptionKey } from './options.js';
import { routeMethods, type RouteMethod, type RouteSpec } from './routes.js';

export const packageManagers = ['npm', 'pnpm', 'yarn'] as const;

/**
 * bun is refused rather than half supported: the projects are checked end to end with npm,
 * pnpm and yarn only (see docs/architecture.md, "Package managers")
 */
export const bunRefusal = {
  message:
    'bun is not supported as the package manager of a project: its lockfile, install and scripts are not tested with the projects this tool writes.',
  hint: 'Pass --pm npm, --pm pnpm or --pm yarn (bun can still run the project once it is installed).',
};

/**
 * The commands on an existing project: `create-perf-app add --tracing otlp` never creates a
 * project called add. A folder of such a name is still created when written as a path: `./add`.
 */
export const commandWords = ['add', 'remove', 'update', 'route', 'check'] as const;
export type PackageManager = (typeof packageManagers)[number];

export interface CreateRequest {
  /** target directory as typed; undefined when it must be asked */
  dir: string | undefined;
  /** answers given by flags; the rest come from prompts or defaults */
  given: Partial<Answers>;
  yes: boolean;
  pm: PackageManager | undefined;
  install: boolean;
  git: boolean;
  dryRun: boolean;
  json: boolean;
  force: boolean;
}

/** `check`: the project in `cwd` against what its answers render */
export interface CheckRequest {
  cwd: string;
  json: boolean;
}

/** `add`, `remove`, `update`: the project in `cwd` rendered with changed answers, or anew */
export interface RegenerateRequest {
  command: 'add' | 'remove' | 'update' | 'route';
  cwd: string;
  /** add: the answers given by flags */
  given: Partial<Answers>;
  /** remove: the options set back to their off value */
  remove: OptionKey[];
  /** route: the route to add */
  route?: RouteSpec;
  dryRun: boolean;
  json: boolean;
  install: boolean;
  allowDirty: boolean;
}

export type Command =
  | { kind: 'regenerate'; request: RegenerateRequest }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'create'; request: CreateRequest }
  | { kind: 'check'; request: CheckRequest };

const runFlags = {
  yes: { type: 'boolean', short: 'y' },
  pm: { type: 'string' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  git: { type: 'boolean' },
  'no-git': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  cwd: { type: 'string' },
  'allow-dirty': { type: 'boolean' },
  cached: { type: 'boolean' },
  method: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

function optionFlags(): NonNullable<ParseArgsConfig['options']> {
  const flags: NonNullable<ParseArgsConfig['options']> = {};
  for (const key of optionKeys) {
    const spec = specOf(key);
    if (spec.kind === 'choice') flags[spec.flag] = { type: 'string' };
    else {
      flags[spec.flag] = { type: 'boolean' };
      flags[`no-${spec.flag}`] = { type: 'boolean' };
    }
  }
  return flags;
}

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...runFlags, ...optionFlags() },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(cleanParseError(error));
  }
  const { values, positionals } = parsed;
  if (values['help']) return { kind: 'help' };
  if (values['version']) return { kind: 'version' };
  if (positionals[0] === 'check') {
    return { kind: 'check', request: checkRequest(values, positionals) };
  }
  const [word] = positionals;
  if (word === 'add' || word === 'remove' || word === 'update' || word === 'route') {
    return { kind: 'regenerate', request: regenerateRequest(word, values, positionals.slice(1)) };
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Expected one project directory, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }

  const [dir] = positionals;
  for (const flag of ['cwd', 'allow-dirty', 'cached', 'method'] as const) {
    if (values[flag] !== undefined) {
      throw new UsageError(
        `--${flag} is for the commands on an existing project (check, add, remove, update, route); a new project is made in [dir].`,
      );
    }
  }

  const given: Record<string, unknown> = {};
  for (const key of optionKeys) {
    const value = readOption(key, values);
    if (value !== undefined) given[key] = value;
  }

  const pm = values['pm'];
  if (pm === 'bun') throw new UsageError(bunRefusal.message, bunRefusal.hint);
  if (pm !== undefined && !(packageManagers as readonly unknown[]).includes(pm)) {
    throw new UsageError(
      `Unknown value for --pm: "${String(pm)}". Use one of: ${packageManagers.join(', ')}.`,
    );
  }

  return {
    kind: 'create',
    request: {
      dir,
      given: given as Partial<Answers>,
      yes: values['yes'] === true,
      pm: pm as PackageManager | undefined,
      install: toggle(values, 'install') ?? true,
      git: toggle(values, 'git') ?? true,
      dryRun: values['dry-run'] === true || values['json'] === true,
      json: values['json'] === true,
      force: values['force'] === true,
    },
  };
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const regenerateFlags = new Set(['cwd', 'dry-run', 'json', 'install', 'no-install', 'allow-dirty']);

function regenerateRequest(
  command: RegenerateRequest['command'],
  values: Values,
  names: string[],
): RegenerateRequest {
  const given: Record<string, unknown> = {};
  for (const key of optionKeys) {
    const value = readOption(key, values);
    if (value !== undefined) given[key] = value;
  }
  const stray = Object.keys(values).find(
    (flag) =>
      !regenerateFlags.has(flag) &&
      !(command === 'add' && isOptionFlag(flag)) &&
      !(command === 'route' && (flag === 'cached' || flag === 'method')),
  );
  if (stray !== undefined) {
    throw new UsageError(
      command === 'add'
        ? `add takes the option flags of create and --cwd, --dry-run, --json, --no-install, --allow-dirty; not --${stray}.`
        : `${command} takes --cwd, --dry-run, --json, --no-install and --allow-dirty; not --${stray}.`,
    );
  }
  if (command === 'add' && Object.keys(given).length === 0) {
    throw new UsageError(
      'add needs the options to set, as create takes them.',
      'For example: create-perf-app add --tracing otlp --workers',
    );
  }
  if (command === 'route') return { ...routeRequest(values, names), ...runOptions(values) };
  if (command !== 'remove' && names.length > 0) {
    throw new UsageError(`${command} takes no names: got ${names.join(' ')}.`);
  }
  const remove = names.map((name) => {
    const key = optionKeys.find((k) => specOf(k).flag === name);
    const required = (k: OptionKey) => {
      const spec = specOf(k);
      return spec.kind === 'choice' && spec.required === true;
    };
    if (key === undefined || required(key)) {
      const removable = optionKeys.filter((k) => !required(k)).map((k) => specOf(k).flag);
      throw new UsageError(
        `"${name}" is not an option remove can take back. It takes: ${removable.join(', ')}.`,
      );
    }
    return key;
  });
  if (command === 'remove' && remove.length === 0) {
    throw new UsageError(
      'remove needs the options to take back.',
      'For example: create-perf-app remove tracing http-client',
    );
  }
  return { command, given: given as Partial<Answers>, remove, ...runOptions(values) };
}

function runOptions(values: Values) {
  const cwd = values['cwd'];
  return {
    cwd: typeof cwd === 'string' ? cwd : '.',
    dryRun: values['dry-run'] === true || values['json'] === true,
    json: values['json'] === true,
    install: toggle(values, 'install') ?? true,
    allowDirty: values['allow-dirty'] === true,
  };
}

function routeRequest(values: Values, names: string[]) {
  const [name, ...more] = names;
  if (name === undefined || more.length > 0) {
    throw new UsageError(
      name === undefined ? 'route needs a name.' : `route takes one name: got ${names.join(' ')}.`,
      'For example: create-perf-app route orders --cached, or route orders --method POST',
    );
  }
  const method = typeof values['method'] === 'string' ? values['method'].toUpperCase() : 'GET';
  if (!(routeMethods as readonly string[]).includes(method)) {
    throw new UsageError(
      `Unknown value for --method: "${String(values['method'])}". Use one of: ${routeMethods.join(', ')}.`,
    );
  }
  return {
    command: 'route' as const,
    given: {},
    remove: [],
    route: { name, method: method as RouteMethod, cached: values['cached'] === true },
  };
}

function isOptionFlag(flag: string): boolean {
  return optionKeys.some((key) => {
    const spec = specOf(key);
    return flag === spec.flag || (spec.kind === 'toggle' && flag === `no-${spec.flag}`);
  });
}

function checkRequest(values: Values, positionals: string[]): CheckRequest {
  if (positionals.length > 1) {
    throw new UsageError(
      `check takes no folder but --cwd: got ${positionals.slice(1).join(' ')}.`,
      `Run it in the project, or: create-perf-app check --cwd ${positionals[1] ?? 'DIR'}`,
    );
  }
  const others = Object.keys(values).filter((flag) => flag !== 'cwd' && flag !== 'json');
  if (others.length > 0) {
    throw new UsageError(`check takes --cwd DIR and --json, not --${others[0] ?? ''}.`);
  }
  const cwd = values['cwd'];
  return { cwd: typeof cwd === 'string' ? cwd : '.', json: values['json'] === true };
}

function toggle(values: Values, flag: string): boolean | undefined {
  const on = values[flag] === true;
  const off = values[`no-${flag}`] === true;
  if (on && off)
    throw new UsageError(`--${flag} and --no-${flag} contradict each other: pick one.`);
  return on ? true : off ? false : undefined;
}

function readOption(key: OptionKey, values: Values): unknown {
  const spec = specOf(key);
  if (spec.kind !== 'choice') return toggle(values, spec.flag);
  const value = values[spec.flag];
  if (value === undefined) return undefined;
  const allowed = spec.choices.map((c) => c.value);
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new UsageError(
      `Unknown value for --${spec.flag}: "${String(value)}". Use one of: ${allowed.join(', ')}.`,
    );
  }
  return value;
}

// node:util's messages name the internals ("ERR_PARSE_ARGS_UNKNOWN_OPTION"); keep the words a user needs
function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `Unknown flag: ${unknown[1]}`;
  const missing = /Option '([^']+?)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message);
  if (missing) return `The flag ${missing[1]} needs a value.`;
  return message.split('. ')[0] ?? message;
}
