// RUN-4: what compose.yaml and deploy/kubernetes/ are rendered from: the settings the features
// declare (the ConfigMap, and the Secret for credentials), and the services and manifests each
// feature adds (`Feature.deploy`), services keyed by name so that two features share one.

import type { ComposeService, EnvVar } from '../features/types.js';
import { envOf, envSpelling } from './env.js';
import type { Project } from './project.js';

/** the settings Kubernetes runs with apart from their defaults, and why (a comment above each) */
const kubernetesSettings: Record<string, { value: string; why: string }> = {
  // RUN-2: a terminating pod leaves the Service's endpoints at once, and the pod's preStop
  // sleep is the wait for proxies to catch up, so after SIGTERM the app drains straight away
  SHUTDOWN_DELAY_MS: {
    value: '0',
    why: "0 here: the pod's preStop sleep (deployment.yaml) has already waited for the proxies",
  },
};

/**
 * Settings deployment.yaml sets in the container's `env`, next to what they must agree with,
 * and so not in the ConfigMap (WORK-3: the processes per pod follow the CPU limit)
 */
const setInDeployment = new Set(['WEB_CONCURRENCY']);

/** compose's wait for the app's shutdown beyond SHUTDOWN_TIMEOUT_MS before it kills it */
const stopMarginSeconds = 5;

/**
 * A Kubernetes name (a DNS-1123 label) from a package name: `@acme/my.api` becomes `my-api`.
 * Package names are lower case already; the scope and characters a label refuses go.
 */
export function dnsLabel(packageName: string): string {
  const label = packageName
    .replace(/^@[^/]+\//, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label === '' ? 'app' : label;
}

/** a YAML string in single quotes, as prettier writes it in the project */
const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;

function declaredEnv(project: Project): EnvVar[] {
  return envOf(project).flat();
}

const alike = (a: ComposeService, b: ComposeService) =>
  a.template === b.template &&
  a.appWaitsFor === b.appWaitsFor &&
  [...(a.volumes ?? [])].sort().join() === [...(b.volumes ?? [])].sort().join();

/**
 * Each compose service once, by name; two features naming one must declare it alike (its
 * template, its wait and its volumes), or neither could rely on what it gets.
 */
export function composeServices(project: Project): Map<string, ComposeService> {
  const services = new Map<string, ComposeService & { by: string }>();
  for (const feature of project.features) {
    for (const [name, service] of Object.entries(
      feature.deploy?.(project.answers).services ?? {},
    )) {
      const known = services.get(name);
      if (known && !alike(known, service)) {
        throw new Error(
          `${feature.id} and ${known.by} define the compose service "${name}" differently`,
        );
      }
      services.set(name, { ...service, by: feature.id });
    }
  }
  return services;
}

/** by name, as compose linters (dclint) expect them, and so in an order no feature list sets */
const sortedServices = (project: Project) =>
  [...composeServices(project)].sort(([a], [b]) => (a < b ? -1 : 1));

/** the app's settings in compose.yaml, where the services are; a setting set twice must agree */
function composeSettings(project: Project): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const feature of project.features) {
    for (const [name, value] of Object.entries(feature.deploy?.(project.answers).settings ?? {})) {
      if (name in settings && settings[name] !== value) {
        throw new Error(`${feature.id} sets ${name} for compose to another value`);
      }
      settings[name] = value;
    }
  }
  return settings;
}

function defaultOf(env: EnvVar[], name: string): number {
  const value = env.find((v) => v.name === name)?.default;
  if (typeof value !== 'number') throw new Error(`no setting ${name} with a number default`);
  return value;
}

/** the data of the deploy templates (`deploy` in every template's data) */
export function deployData(project: Project) {
  const env = declaredEnv(project);
  const services = sortedServices(project);
  const deploys = project.features.map((feature) => feature.deploy?.(project.answers) ?? {});
  const port = defaultOf(env, 'PORT');
  return {
    /** the name of every Kubernetes object, and compose's project name */
    name: dnsLabel(project.name),
    port,
    // the ConfigMap: every setting but credentials, its default spelled as the environment
    // would, a setting without one left commented out as in .env.example
    config: env
      .filter((v) => !v.secret && !setInDeployment.has(v.name))
      .map((v) => {
        const set = kubernetesSettings[v.name];
        const value = set?.value ?? v.default;
        return {
          name: v.name,
          doc: v.doc,
          why: set?.why,
          value: value === undefined ? undefined : quoted(envSpelling(value)),
        };
      }),
    secrets: env.filter((v) => v.secret).map((v) => ({ name: v.name, doc: v.doc })),
    manifests: deploys.flatMap((deploy) => deploy.manifests ?? []),
    compose: {
      settings: Object.entries(composeSettings(project)).map(([name, value]) => ({
        name,
        value: quoted(value),
      })),
      waits: services.flatMap(([name, service]) =>
        service.appWaitsFor ? [{ name, condition: service.appWaitsFor }] : [],
      ),
      volumes: [...new Set(services.flatMap(([, service]) => service.volumes ?? []))],
      ports: [`${port}:${port}`, ...deploys.flatMap((deploy) => deploy.ports ?? [])],
      mounts: deploys.flatMap((deploy) => deploy.mounts ?? []),
      stopGraceSeconds: defaultOf(env, 'SHUTDOWN_TIMEOUT_MS') / 1000 + stopMarginSeconds,
    },
  };
}

/**
 * The `compose.services` slot: each service as `name:` and its definition beneath, a blank line
 * before it. `render` renders a template file under templates/.
 */
export function composeServiceEntries(
  project: Project,
  render: (template: string) => string,
): string[] {
  return sortedServices(project).map(([name, service]) => {
    const body = render(service.template).trimEnd();
    const indented = body
      .split('\n')
      .map((line) => (line === '' ? '' : `  ${line}`))
      .join('\n');
    return `\n${name}:\n${indented}`;
  });
}
