// RUN-4: compose.yaml and deploy/kubernetes/ of every covering set, checked against their
// published schemas (offline: test/helpers/deploy-schemas.ts) and against each other and the
// app's settings. There is no Docker daemon or cluster in the test runs.

import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { activeFeatures } from '../../src/features/index.js';
import type { Feature } from '../../src/features/types.js';
import { defaultAnswers, type Answers } from '../../src/options.js';
import { composeServices, dnsLabel } from '../../src/render/deploy.js';
import { envOf } from '../../src/render/env.js';
import type { Project } from '../../src/render/project.js';
import type { Tree } from '../../src/tree.js';
import { contentOf, coveringSets, generateOnce } from '../helpers/answers.js';
import {
  composeLint,
  composeProblems,
  kubernetesProblems,
  unknownFields,
} from '../helpers/deploy-schemas.js';

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const manifestsDir = 'deploy/kubernetes';

function kustomization(tree: Tree): Manifest {
  return parse(contentOf(tree, `${manifestsDir}/kustomization.yaml`)) as Manifest;
}

/**
 * The manifests the kustomization applies, by kind for the app's own (`Deployment`) and by
 * kind and name for a feature's (`Deployment my-app-worker`)
 */
function manifests(tree: Tree): Record<string, Manifest> {
  const byKind: Record<string, Manifest> = {};
  const appName = (manifest: Manifest) =>
    (manifest['metadata']['labels']?.['app.kubernetes.io/name'] ??
      manifest['metadata']['name']) as string;
  let name: string | undefined;
  for (const file of kustomization(tree)['resources'] as string[]) {
    const manifest = parse(contentOf(tree, `${manifestsDir}/${file}`)) as Manifest;
    name ??= appName(manifest);
    const kind = manifest['kind'] as string;
    const key =
      appName(manifest) === name ? kind : `${kind} ${String(manifest['metadata']['name'])}`;
    if (key in byKind) throw new Error(`two ${key} manifests`);
    byKind[key] = manifest;
  }
  return byKind;
}

/** the settings the project declares, each once, as its config reads them */
const declared = (answers: Answers) =>
  envOf({
    name: 'deploy',
    answers,
    features: activeFeatures(answers),
    routes: [],
    packageManager: 'npm' as const,
  }).flat();

/** `name=value` lines of an env file, and `# NAME=` ones, by name */
function envFileNames(text: string): string[] {
  return [...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? '');
}

/** `500m` → 0.5, `2` → 2 */
const cpus = (quantity: string) =>
  quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);

// every covering set's manifests type-checked in one program, by `set id/kind`
let unknownFieldsOfAll: Promise<Map<string, string[]>> | undefined;
function unknownFieldsOf(id: string): Promise<Map<string, string[]>> {
  unknownFieldsOfAll ??= (async () => {
    const all = new Map<string, Manifest>();
    for (const set of coveringSets()) {
      const byKind = manifests(await generateOnce('deploy-app', set.answers));
      for (const [kind, manifest] of Object.entries(byKind)) all.set(`${set.id}/${kind}`, manifest);
    }
    return unknownFields(all);
  })();
  return unknownFieldsOfAll.then(
    (problems) => new Map([...problems].filter(([name]) => name.startsWith(`${id}/`))),
  );
}

describe.each(coveringSets())('deploy files of $id', ({ id, answers }) => {
  const tree = () => generateOnce('deploy-app', answers);
  const compose = async () => parse(contentOf(await tree(), 'compose.yaml')) as Manifest;
  const app = async () => {
    const deployment = manifests(await tree())['Deployment'];
    return {
      deployment,
      pod: deployment?.['spec']['template'],
      container: deployment?.['spec']['template']['spec']['containers'][0],
    } as Manifest;
  };
  const configMap = async () =>
    manifests(await tree())['ConfigMap']?.['data'] as Record<string, string>;

  it('RUN-4: compose.yaml conforms to the Compose Specification', async () => {
    expect(composeProblems(await compose())).toEqual([]);
  });

  // the first set's test type-checks every set's manifests (~10 s, more on a busy machine)
  it(
    'RUN-4: no manifest has a field its Kubernetes kind does not',
    { timeout: 120_000 },
    async () => {
      const problems = [...(await unknownFieldsOf(id))].flatMap(([name, messages]) =>
        messages.map((message) => `${name}: ${message}`),
      );
      expect(problems).toEqual([]);
    },
  );

  it('RUN-4: dclint finds nothing to say of compose.yaml', async () => {
    expect(composeLint(contentOf(await tree(), 'compose.yaml'))).toEqual([]);
  });

  it('RUN-4: every manifest conforms to its Kubernetes schema', async () => {
    const problems = Object.entries(manifests(await tree())).flatMap(([kind, manifest]) =>
      kubernetesProblems(manifest).map((problem) => `${kind}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('RUN-4: the kustomization applies every manifest of deploy/kubernetes/, and nothing else', async () => {
    const written = (await tree())
      .files()
      .map((file) => file.path)
      .filter((path) => path.startsWith(`${manifestsDir}/`) && path.endsWith('.yaml'))
      .map((path) => path.slice(manifestsDir.length + 1))
      .filter((file) => file !== 'kustomization.yaml');
    expect([...(kustomization(await tree())['resources'] as string[])].sort()).toEqual(
      written.sort(),
    );
    const images = kustomization(await tree())['images'] as Manifest[];
    expect(images.map((image) => image['name'])).toEqual([(await app()).container['image']]);
  });

  it('RUN-4: compose has a service exactly for each option that needs one', async () => {
    const services = Object.keys((await compose())['services'] as object).sort();
    const expected = [
      'app',
      ...(answers.cache === 'redis' || answers.cache === 'tiered' || answers.jobs === 'bullmq'
        ? ['redis']
        : []),
      ...(answers.db === 'postgres' ? ['postgres'] : []),
      ...(answers.tracing === 'otlp' ? ['otel-collector'] : []),
      ...(answers.proxy === 'nginx' ? ['nginx'] : []),
      ...(answers.jobs === 'bullmq' ? ['worker'] : []),
    ].sort();
    expect(services).toEqual(expected);
  });

  it('RUN-4: compose waits for services that exist, mounts volumes it declares, and sets declared settings', async () => {
    const file = await compose();
    const services = file['services'] as Record<string, Manifest>;
    const names = Object.keys(services);
    const declaredVolumes = Object.keys((file['volumes'] ?? {}) as object);
    const settings = new Set(declared(answers).map((v) => v.name));
    for (const [name, service] of Object.entries(services)) {
      for (const needed of Object.keys(service['depends_on'] ?? {})) {
        expect(names, `${name} waits for ${needed}`).toContain(needed);
      }
      for (const mount of (service['volumes'] ?? []) as string[]) {
        const source = mount.split(':')[0] ?? '';
        if (!source.startsWith('.'))
          expect(declaredVolumes, `${name} mounts ${source}`).toContain(source);
      }
    }
    const used = Object.values(services).flatMap((service) =>
      ((service['volumes'] ?? []) as string[]).map((mount) => mount.split(':')[0]),
    );
    for (const volume of declaredVolumes) expect(used, `volume ${volume}`).toContain(volume);
    for (const name of Object.keys(services['app']?.['environment'] ?? {})) {
      expect(settings, `compose sets ${name}`).toContain(name);
    }
  });

  it('RUN-2: compose gives the app longer than SHUTDOWN_TIMEOUT_MS to stop', async () => {
    const grace = String((await compose())['services']['app']['stop_grace_period']);
    expect(grace).toMatch(/^\d+s$/);
    expect(Number.parseInt(grace, 10) * 1000).toBeGreaterThan(
      Number((await configMap())['SHUTDOWN_TIMEOUT_MS']),
    );
  });

  it('RUN-1: the probes ask /health and /ready on the port the app listens on', async () => {
    const { container } = await app();
    const ports = (container['ports'] as Manifest[]).map((port) => [
      port['name'],
      port['containerPort'],
    ]);
    expect(ports).toEqual([['http', Number((await configMap())['PORT'])]]);
    expect(container['livenessProbe']['httpGet']).toEqual({ path: '/health', port: 'http' });
    expect(container['startupProbe']['httpGet']).toEqual({ path: '/health', port: 'http' });
    expect(container['readinessProbe']['httpGet']).toEqual({ path: '/ready', port: 'http' });
  });

  it('RUN-2: the preStop sleep and the whole shutdown fit in the grace period', async () => {
    const { pod, container } = await app();
    const settings = await configMap();
    const sleep = container['lifecycle']['preStop']['sleep']['seconds'] as number;
    const grace = pod['spec']['terminationGracePeriodSeconds'] as number;
    const [delayMs, drainMs, timeoutMs] = [
      'SHUTDOWN_DELAY_MS',
      'DRAIN_TIMEOUT_MS',
      'SHUTDOWN_TIMEOUT_MS',
    ].map((name) => Number(settings[name]));
    expect(sleep).toBeGreaterThan(0);
    expect(sleep).toBeLessThan(grace);
    // the app's own rule (src/config.ts): the delay and the drain end before the shutdown timeout
    expect((delayMs ?? NaN) + (drainMs ?? NaN)).toBeLessThan(timeoutMs ?? NaN);
    // SIGTERM comes after the sleep; the app is gone by SHUTDOWN_TIMEOUT_MS after that
    expect(sleep + (timeoutMs ?? NaN) / 1000).toBeLessThan(grace);
  });

  it('WORK-3: a pod runs as many processes as its CPU limit has cores', async () => {
    const { container } = await app();
    const env = container['env'] as { name: string; value: string }[];
    const processes = Number(env.find((v) => v.name === 'WEB_CONCURRENCY')?.value);
    expect(processes).toBe(
      Math.max(1, Math.floor(cpus(container['resources']['limits']['cpu'] as string))),
    );
    expect(container['resources']['requests']).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container['resources']['limits']).toMatchObject({ memory: expect.any(String) });
  });

  it('RUN-4: the Service, the autoscaler and the disruption budget select the Deployment', async () => {
    const byKind = manifests(await tree());
    const { deployment, pod } = await app();
    const labels = pod['metadata']['labels'] as Record<string, string>;
    expect(deployment['spec']['selector']['matchLabels']).toEqual(labels);
    expect(labels).toMatchObject(byKind['Service']?.['spec']['selector'] as object);
    expect(labels).toMatchObject(
      byKind['PodDisruptionBudget']?.['spec']['selector']['matchLabels'] as object,
    );
    expect(byKind['HorizontalPodAutoscaler']?.['spec']['scaleTargetRef']).toEqual({
      apiVersion: deployment['apiVersion'],
      kind: 'Deployment',
      name: deployment['metadata']['name'],
    });
    const portNames = (pod['spec']['containers'][0]['ports'] as Manifest[]).map(
      (port) => port['name'],
    );
    expect(portNames).toContain(byKind['Service']?.['spec']['ports'][0]['targetPort']);
    // the autoscaler replaces a pod's `replicas`, and keeps two so that one can go
    expect(deployment['spec']).not.toHaveProperty('replicas');
    expect(byKind['HorizontalPodAutoscaler']?.['spec']['minReplicas']).toBeGreaterThanOrEqual(2);
  });

  it('RUN-3: every setting the app declares is in the ConfigMap or the Secret, credentials only in the Secret', async () => {
    const generated = await tree();
    const text = contentOf(generated, `${manifestsDir}/configmap.yaml`);
    const set = Object.keys(await configMap());
    const commented = [...text.matchAll(/^ {2}# ([A-Z][A-Z0-9_]*): ''$/gm)].map((m) => m[1]);
    const secrets = declared(answers)
      .filter((v) => v.secret)
      .map((v) => v.name);
    const inDeployment = ((await app()).container['env'] as { name: string }[]).map((v) => v.name);
    const others = declared(answers)
      .filter((v) => !v.secret && !inDeployment.includes(v.name))
      .map((v) => v.name);
    expect([...set, ...commented].sort()).toEqual(others.sort());
    const secretGenerator = (kustomization(generated)['secretGenerator'] ?? []) as Manifest[];
    if (secrets.length === 0) {
      expect(secretGenerator).toEqual([]);
      expect(generated.get(`${manifestsDir}/secrets.env.example`)).toBeUndefined();
      return;
    }
    expect(secretGenerator).toEqual([
      { name: (await app()).deployment['metadata']['name'], envs: ['secrets.env'] },
    ]);
    expect(
      envFileNames(contentOf(generated, `${manifestsDir}/secrets.env.example`)).sort(),
    ).toEqual(secrets.sort());
    // the real one is never committed, nor sent to a docker build
    expect(contentOf(generated, '.gitignore').split('\n')).toContain(
      `/${manifestsDir}/secrets.env`,
    );
    expect(contentOf(generated, '.dockerignore').split('\n')).toContain('deploy');
    const refs = (await app()).container['envFrom'] as Manifest[];
    expect(refs.map((ref) => ref['secretRef']?.['name']).filter(Boolean)).toEqual([
      secretGenerator[0]?.['name'],
    ]);
  });

  it('RUN-4: the connection URLs, which may hold a password, are credentials', () => {
    const secrets = declared(answers)
      .filter((v) => v.secret)
      .map((v) => v.name);
    const urls = declared(answers)
      .map((v) => v.name)
      .filter((name) => name === 'REDIS_URL' || name === 'DATABASE_URL');
    expect(secrets.sort()).toEqual(urls.sort());
  });

  it("RUN-4: the Dockerfile's Node release is inside package.json's engines", async () => {
    const generated = await tree();
    const { engines } = JSON.parse(contentOf(generated, 'package.json')) as {
      engines: { node: string };
    };
    const releases = [
      ...contentOf(generated, 'Dockerfile').matchAll(/^FROM node:(\d+\.\d+\.\d+)/gm),
    ].map((m) => m[1]);
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases)
      expect(semver.satisfies(release ?? '', engines.node), `${release} in ${engines.node}`).toBe(
        true,
      );
  });
});

describe('deploy names and services', () => {
  it('RUN-4: a Kubernetes name is a DNS label made from the package name', () => {
    expect(dnsLabel('my-api')).toBe('my-api');
    expect(dnsLabel('@acme/my.api_v2')).toBe('my-api-v2');
    expect(dnsLabel('x'.repeat(80))).toHaveLength(63);
    expect(dnsLabel('_.')).toBe('app');
  });

  it('RUN-4: a scoped package name makes valid manifests', async () => {
    const tree = await generateOnce('@acme/orders.api', defaultAnswers());
    const deployment = parse(contentOf(tree, `${manifestsDir}/deployment.yaml`)) as Manifest;
    expect(deployment['metadata']['name']).toBe('orders-api');
    expect(kubernetesProblems(deployment)).toEqual([]);
    expect(composeProblems(parse(contentOf(tree, 'compose.yaml')))).toEqual([]);
  });

  const project = (features: Feature[]): Project => ({
    name: 'app',
    answers: defaultAnswers(),
    features,
    routes: [],
    packageManager: 'npm',
  });
  const needing = (id: string, template: string): Feature => ({
    id,
    applies: () => true,
    layers: () => [],
    deploy: () => ({ services: { redis: { template, appWaitsFor: 'service_healthy' } } }),
  });

  it('RUN-4: two features that need one service get it once', () => {
    const services = composeServices(
      project([
        needing('cache', 'compose/redis.yaml.hbs'),
        needing('jobs', 'compose/redis.yaml.hbs'),
      ]),
    );
    expect([...services.keys()]).toEqual(['redis']);
  });

  it('RUN-4: two features that define one service differently are an error', () => {
    expect(() =>
      composeServices(
        project([needing('cache', 'compose/redis.yaml.hbs'), needing('jobs', 'jobs/redis.yaml')]),
      ),
    ).toThrow(/jobs and cache define the compose service "redis" differently/);
    const keeping: Feature = {
      ...needing('jobs', 'compose/redis.yaml.hbs'),
      deploy: () => ({
        services: { redis: { template: 'compose/redis.yaml.hbs', volumes: ['jobs-data'] } },
      }),
    };
    expect(() =>
      composeServices(project([needing('cache', 'compose/redis.yaml.hbs'), keeping])),
    ).toThrow(/differently/);
  });
});
