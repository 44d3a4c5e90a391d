// RUN-4: the built app run as its Kubernetes pod runs it, without a cluster: the ConfigMap's
// settings and the Secret's credentials (here the local Redis and PostgreSQL) as its
// environment. It must start, turn ready, and stop within the pod's grace period.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { activeFeatures } from '../../src/features/index.js';
import type { Answers } from '../../src/options.js';
import { appDir, boot } from '../helpers/e2e.js';
import { waitUntilAnswering } from '../helpers/net.js';
import { onePer, optionSets } from './sets.js';

/** one set per framework, with credentials in the Secret where a set has them */
const sets = onePer(
  [...optionSets].sort((a, b) => Number(hasSecrets(a.answers)) - Number(hasSecrets(b.answers))),
  ({ framework }) => framework,
);

/** a setting of the set's features is a credential, which the Secret holds */
function hasSecrets(answers: Answers): boolean {
  return activeFeatures(answers).some((feature) =>
    (feature.env?.(answers) ?? []).some((v) => v.secret),
  );
}

/** the local services in place of what an operator puts in secrets.env */
const localCredentials: Record<string, string> = {
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
};

type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);
  const manifest = (file: string) =>
    parse(readFileSync(join(dir, 'deploy/kubernetes', file), 'utf8')) as Manifest;

  it('RUN-4: starts with the ConfigMap and the Secret, turns ready, and stops within the grace period', async () => {
    const deployment = manifest('deployment.yaml');
    const container = deployment['spec']['template']['spec']['containers'][0] as Manifest;
    const settings = { ...(manifest('configmap.yaml')['data'] as Record<string, string>) };
    // the port and address the test picks; the rest as the pod gets them
    delete settings['PORT'];
    delete settings['HOST'];
    const secrets = hasSecrets(set.answers)
      ? [
          ...readFileSync(join(dir, 'deploy/kubernetes/secrets.env.example'), 'utf8').matchAll(
            /^([A-Z][A-Z0-9_]*)=/gm,
          ),
        ].map((match) => match[1] ?? '')
      : [];
    expect(secrets.length > 0).toBe(hasSecrets(set.answers));
    expect(Object.keys(localCredentials)).toEqual(expect.arrayContaining(secrets));
    const env: Record<string, string> = {
      ...settings,
      ...Object.fromEntries(secrets.map((name) => [name, localCredentials[name] ?? ''])),
      ...Object.fromEntries(
        (container['env'] as { name: string; value: string }[]).map((v) => [v.name, v.value]),
      ),
      // keys of its own in the shared Redis
      CACHE_PREFIX: `e2e-deploy-${randomUUID()}`,
    };
    const app = await boot(dir, env);
    try {
      expect(await waitUntilAnswering(`${app.url}/ready`)).toBe(true);
    } catch (error) {
      app.process.kill('SIGKILL');
      throw error;
    }
    const grace = deployment['spec']['template']['spec']['terminationGracePeriodSeconds'] as number;
    const preStop = container['lifecycle']['preStop']['sleep']['seconds'] as number;
    const stopping = performance.now();
    app.process.kill('SIGTERM');
    const { exitCode } = await app.process;
    const seconds = (performance.now() - stopping) / 1000;
    expect(exitCode, app.output()).toBe(0);
    expect(preStop + seconds).toBeLessThan(grace);
  });
});
