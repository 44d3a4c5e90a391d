// the option model: one typed source for prompts, flags, --help, validation and test matrices.

export interface Choice<V extends string> {
  value: V;
  hint: string;
}

interface ChoiceOption<V extends string> {
  kind: 'choice';
  /** long flag: `--framework fastify` */
  flag: string;
  message: string;
  choices: readonly Choice<V>[];
  default: V;
  /**
   * what a manifest that does not name the option stands for, when that is not its off value:
   * a project made before the option existed was made for that value
   */
  unrecorded?: V;
  /** `remove` cannot take it back: every project has one (a framework, a Node.js line) */
  required?: true;
  /**
   * the default the CLI offers (prompts, --yes, --help) when it depends on where the tool runs;
   * `default` is then the option model's, which tests and matrices read, the same on any machine
   */
  runtimeDefault?: () => V;
}

interface ToggleOption {
  kind: 'toggle';
  /** long flag: `--streaming` / `--no-streaming` */
  flag: string;
  message: string;
  default: boolean;
}

export type OptionSpec = ChoiceOption<string> | ToggleOption;

function choice<const V extends string>(spec: Omit<ChoiceOption<V>, 'kind'>): ChoiceOption<V> {
  return { kind: 'choice', ...spec };
}

function toggle(spec: Omit<ToggleOption, 'kind'>): ToggleOption {
  return { kind: 'toggle', ...spec };
}

/** the Node.js release lines a project can be made for, oldest first */
export const nodeLines = ['20', '22', '24', '26'] as const;
export type NodeLine = (typeof nodeLines)[number];

/** a line past its end of life, with the date it ended: the tool says so when it is picked */
export const endedNodeLines: Partial<Record<NodeLine, string>> = { '20': '2026-04-30' };

/**
 * The line of a Node.js version (`process.versions.node`): its own when it is one of
 * `nodeLines`, else the nearest one (an odd release, a line newer or older than those known),
 * the older on a tie; `exact` says which.
 */
export function nodeLineOf(version: string): { line: NodeLine; exact: boolean } {
  const major = Number.parseInt(version, 10);
  const exact = nodeLines.find((line) => Number(line) === major);
  if (exact) return { line: exact, exact: true };
  const distance = (line: NodeLine) => Math.abs(Number(line) - major);
  const nearest = nodeLines.reduce((best, line) => (distance(line) < distance(best) ? line : best));
  return { line: nearest, exact: false };
}

/** the line of the Node.js that runs the tool: the default of `--node` */
export const runningNodeLine = nodeLineOf(process.versions.node);

export const optionSpecs = {
  framework: choice({
    flag: 'framework',
    message: 'Which framework?',
    choices: [
      { value: 'fastify', hint: 'schema-first, the fastest of the three' },
      { value: 'express', hint: 'the most widely known' },
      { value: 'hono', hint: 'web-standard Request/Response on @hono/node-server' },
    ],
    default: 'fastify',
    required: true,
  }),
  node: choice({
    flag: 'node',
    message: 'Which Node.js line?',
    choices: [
      { value: '20', hint: 'past its end of life (2026-04-30): for a server not yet moved' },
      { value: '22', hint: 'maintenance LTS until 2027-04-30' },
      { value: '24', hint: 'maintenance LTS' },
      { value: '26', hint: 'the current LTS' },
    ] satisfies Choice<NodeLine>[],
    // the versions, engines, TypeScript target and base image follow it (src/versions.ts)
    default: '26',
    runtimeDefault: () => runningNodeLine.line,
    // projects made before the option existed were made for Node.js 20.19 and later
    unrecorded: '20',
    required: true,
  }),
  cache: choice({
    flag: 'cache',
    message: 'Which cache?',
    choices: [
      { value: 'memory', hint: 'in-process LRU with size bounds and TTL' },
      { value: 'redis', hint: 'shared across instances, with a cross-process stampede lock' },
      { value: 'tiered', hint: 'memory in front of Redis, invalidated on every instance' },
      { value: 'none', hint: 'no application cache' },
    ],
    default: 'memory',
  }),
  db: choice({
    flag: 'db',
    message: 'Which database?',
    choices: [
      { value: 'none', hint: 'no database' },
      {
        value: 'postgres',
        hint: 'one pg.Pool; an embedded PGlite when DATABASE_URL is unset',
      },
    ],
    default: 'none',
  }),
  httpClient: toggle({
    flag: 'http-client',
    message: 'Add an outbound HTTP client (undici pool, retries, circuit breaker)?',
    default: false,
  }),
  workers: toggle({
    flag: 'workers',
    message: 'Add a worker-thread pool for CPU-heavy work (piscina)?',
    default: false,
  }),
  jobs: choice({
    flag: 'jobs',
    message: 'Which background jobs?',
    choices: [
      { value: 'none', hint: 'no job queue' },
      { value: 'memory', hint: 'a bounded in-process queue, drained at shutdown' },
      { value: 'bullmq', hint: 'jobs kept in Redis, run by `npm run worker` with retries' },
    ],
    default: 'none',
  }),
  tracing: choice({
    flag: 'tracing',
    message: 'Which tracing?',
    choices: [
      { value: 'none', hint: 'no tracing code or packages' },
      { value: 'otlp', hint: 'OpenTelemetry, exported over OTLP/HTTP' },
    ],
    default: 'none',
  }),
  compression: choice({
    flag: 'compression',
    message: 'Which response compression?',
    choices: [
      { value: 'br', hint: 'brotli where the client takes it, else gzip' },
      { value: 'gzip', hint: 'gzip only' },
      { value: 'none', hint: 'responses go out as they are' },
    ],
    default: 'br',
  }),
  streaming: toggle({
    flag: 'streaming',
    message: 'Add file downloads (ranges, conditional GET) and NDJSON / SSE streams?',
    default: true,
  }),
  proxy: choice({
    flag: 'proxy',
    message: 'Which reverse proxy in front?',
    choices: [
      { value: 'none', hint: 'the app faces clients (or a load balancer) itself' },
      { value: 'nginx', hint: 'a generated nginx.conf compresses and serves downloads' },
    ],
    default: 'none',
  }),
} as const;

type Specs = typeof optionSpecs;
export type OptionKey = keyof Specs;

type ValueOf<S> = S extends ChoiceOption<infer V> ? V : S extends ToggleOption ? boolean : never;

/** the answers that shape a generated project; recorded in `.perf-app.json` */
export type Answers = { [K in OptionKey]: ValueOf<Specs[K]> };

export type Framework = Answers['framework'];
export const frameworks = optionSpecs.framework.choices.map((c) => c.value);

export const optionKeys = Object.keys(optionSpecs) as OptionKey[];

/** an option's spec, typed as any option's, for code that handles every kind */
export function specOf(key: OptionKey): OptionSpec {
  return optionSpecs[key];
}

/**
 * The value that means "without it": a toggle's off, a choice's `none`, or else its default.
 * An option a project's manifest does not name (added to the generator later) has this value,
 * unless its spec says otherwise (`unrecordedValue`).
 */
export function offValue(key: OptionKey): Answers[OptionKey] {
  const spec = specOf(key);
  if (spec.kind === 'toggle') return false;
  return (spec.choices.find((c) => c.value === 'none')?.value ??
    spec.default) as Answers[OptionKey];
}

/** the default the CLI offers for an option: `runtimeDefault` when it has one */
export function cliDefault(key: OptionKey): Answers[OptionKey] {
  const spec = specOf(key);
  return (
    spec.kind === 'choice' && spec.runtimeDefault ? spec.runtimeDefault() : spec.default
  ) as Answers[OptionKey];
}

/** the value of an option a project's manifest does not name (see `unrecorded`) */
export function unrecordedValue(key: OptionKey): Answers[OptionKey] {
  const spec = specOf(key);
  return (
    spec.kind === 'choice' ? (spec.unrecorded ?? offValue(key)) : offValue(key)
  ) as Answers[OptionKey];
}

export function defaultAnswers(): Answers {
  const answers: Record<string, unknown> = {};
  for (const key of optionKeys) answers[key] = optionSpecs[key].default;
  return answers as Answers;
}

/**
 * Invalid combinations, as data. Each rule names the answers it reads and says what is wrong;
 * `create` refuses answers that break one, and the test matrices never generate them. Empty
 * today: every combination of values is valid.
 */
export interface Rule {
  /** the option keys the rule reads; used to explain a conflict in terms of flags */
  reads: readonly OptionKey[];
  /** returns a message when the answers break the rule */
  check(answers: Answers): string | undefined;
}

export const rules: readonly Rule[] = [];

export function checkRules(answers: Answers): string[] {
  return rules.flatMap((rule) => rule.check(answers) ?? []);
}

export function describeValue(key: OptionKey, value: unknown): string {
  const spec = specOf(key);
  if (spec.kind === 'toggle') return value ? `--${spec.flag}` : `--no-${spec.flag}`;
  return `--${spec.flag} ${String(value)}`;
}

/** the argv that reproduces these answers, in option-model order */
export function answersToFlags(answers: Answers): string[] {
  return optionKeys.flatMap((key) => describeValue(key, answers[key]).split(' '));
}
