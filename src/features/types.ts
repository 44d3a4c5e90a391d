import type { Answers, Framework } from '../options.js';
import type { PackageName } from '../versions.js';

/** a slot in a framework-neutral file (filled the same way whatever the framework) */
export type SharedSlot =
  | 'config.imports' // src/config.ts: each feature's src/settings/<feature>.ts
  | 'config.env' // valibot schema entries in src/config.ts (generated from `env`)
  | 'config.sections' // a section per feature, made by its settings module from the parsed env
  | 'context.imports' // src/context.ts: shared resources (pools, caches) and their lifecycle
  | 'context.create'
  | 'context.fields'
  | 'context.values'
  | 'test.env' // settings the project's own tests run with
  | 'readme.routes' // rows of the README's route table
  | 'readme.sections' // sections of the README about a feature
  | 'bench.imports' // bench/run.ts: each feature's rows of `npm run bench`
  | 'bench.suites'
  | 'profile.paths' // bench/profile.ts: the routes `npm run profile` loads when given none
  | 'tracing.imports' // src/perf/tracing/instrumentations.ts: one per library the app uses
  | 'tracing.instrumentations'
  | 'tracing.routes' // test/tracing.test.ts: the sample routes and the spans each must make
  | 'nginx.modules' // nginx.conf: modules loaded at the top
  | 'nginx.http' // nginx.conf: settings of the http block
  | 'nginx.locations' // nginx.conf: locations of the server block
  | 'docker.writable' // Dockerfile: folders the app writes in, the only ones its user owns
  | 'compose.services'; // compose.yaml: the services beside the app (made from `Feature.deploy`)

/** a slot in a framework's entry file, src/app.ts */
export type FrameworkSlot = 'app.imports' | 'app.plugins' | 'app.routes';

export type SlotName = SharedSlot | FrameworkSlot;
export type SlotEntries<S extends string> = Partial<Record<S, string[]>>;

export type EnvDefault = string | number | boolean | readonly string[];

/** a setting read from the environment: becomes a schema line, an .env.example line and a README row */
export interface EnvVar {
  name: string;
  /** valibot schema expression (config.ts's helpers, or `v.`), without the default: `int(1, 65535)` */
  schema: string;
  /**
   * the default, as the parsed setting holds it: `.env.example` and `src/config.ts` spell it as
   * the environment would (`br,gzip`), and the schema reads it; absent means optional
   */
  default?: EnvDefault;
  doc: string;
  /**
   * RUN-4: it holds a credential (a URL with a password): Kubernetes gets it from a Secret,
   * not the ConfigMap
   */
  secret?: boolean;
}

/**
 * A server the project's own tests (`npm test`) need running, named by the setting that points
 * them at one: test/env.ts gives that setting its default, the tests' global setup checks that
 * something answers there before any test runs, and the README's Tests section names it.
 */
export interface TestService {
  /** as people call it: `Redis` */
  name: string;
  /** the setting that points the tests at one: `REDIS_URL` */
  variable: string;
  /** where the tests look for it when that setting is unset */
  url: string;
  /** the port of a URL that names none */
  defaultPort: number;
  /** how to start one on a developer's machine, for the line that says it is missing */
  start: string;
  /** the README's words on getting one as the tests need it (markdown) */
  readme: string;
}

/** RUN-4: a service of compose.yaml beside the app */
export interface ComposeService {
  /** a YAML file under templates/ (`.hbs` to render it): the service's definition */
  template: string;
  /**
   * how the app waits for it at start: `service_healthy` when it has a health check, else
   * `service_started`; absent when the app does not wait (nginx waits for the app instead)
   */
  appWaitsFor?: 'service_healthy' | 'service_started';
  /** named volumes it keeps its data in */
  volumes?: string[];
}

/**
 * RUN-4: what a feature adds to compose.yaml and deploy/kubernetes/. Services are keyed by
 * name, so two features that need Redis get one `redis` service.
 */
export interface Deploy {
  services?: Record<string, ComposeService>;
  /** the app's settings in compose.yaml, where those services are: `REDIS_URL: redis://redis:6379` */
  settings?: Record<string, string>;
  /** ports published from the app's network namespace (services that share it listen there) */
  ports?: string[];
  /** the app's mounts of named volumes it shares with a service: `files:/app/files` */
  mounts?: string[];
  /**
   * Kubernetes manifests that the feature's layers write under deploy/kubernetes/, added to the
   * kustomization's resources (a worker's Deployment: `worker.yaml`)
   */
  manifests?: string[];
}

/**
 * What a feature adds to another one, declared by the feature that has the need (the
 * instrumentation of a library it uses, the spans its routes must make), and added only when
 * that other feature is on.
 */
export interface Contribution {
  /** the id of the feature it adds to */
  to: string;
  /** template folders rendered after the contributing feature's own layers */
  layers?: string[];
  slots?: SlotEntries<SharedSlot>;
  dependencies?: PackageName[];
}

export interface Feature {
  /** stable id, recorded as the owner of each file it writes */
  id: string;
  applies(answers: Answers): boolean;
  /** template folders under templates/, rendered in order; later layers may not overwrite */
  layers(answers: Answers): string[];
  dependencies?: (answers: Answers) => PackageName[];
  devDependencies?: (answers: Answers) => PackageName[];
  /**
   * Scripts, in npm's words: a pnpm or yarn project gets its manager's (`npm run build` becomes
   * `pnpm build`); a `postX` script is run at the end of X, since yarn runs no such hooks
   */
  scripts?: (answers: Answers) => Record<string, string>;
  /**
   * Its dependencies (direct or not) that have install scripts, each with whether it runs:
   * pnpm and yarn run none they are not told to (`esbuild: true` lets esbuild's postinstall
   * place its binary; `false` says the package works without, and quiets pnpm's warning)
   */
  installScripts?: (answers: Answers) => Record<string, boolean>;
  env?: (answers: Answers) => EnvVar[];
  gitignore?: string[];
  /**
   * Modules of src/, without extension, that Node.js loads with `--import` before the app, for
   * code that must run before the app imports anything (tracing patches modules as they load).
   * Every script that runs the app's entry, and the Dockerfile's command, loads them.
   */
  preload?: (answers: Answers) => string[];
  /** `name` is the project's package name */
  slots?: (answers: Answers, name: string) => SlotEntries<SharedSlot>;
  /**
   * markdown files under templates/ that become its section of the generated README, joined
   * (a part shared by every value of the option, then the value's own)
   */
  readme?: (answers: Answers) => string[];
  /** what it adds to other features when they are on */
  contributes?: (answers: Answers) => Contribution[];
  /**
   * its code calls `withSpan` (src/perf/spans.ts): without tracing, the project then gets the
   * no-op version
   */
  callsWithSpan?: boolean;
  /** RUN-4: its services in compose.yaml and its manifests in deploy/kubernetes/ */
  deploy?: (answers: Answers) => Deploy;
  /** the servers its tests need running; two features naming one setting get it once */
  testServices?: (answers: Answers) => TestService[];
  /** per-framework wiring: a framework left out is a compile error */
  wiring?: Record<Framework, SlotEntries<FrameworkSlot>>;
}
