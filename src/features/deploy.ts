import type { Feature } from './types.js';

/**
 * RUN-4: compose.yaml and deploy/kubernetes/, in every project. The services beside the app and
 * any manifests of their own come from the other features (`Feature.deploy`); the settings from
 * their `env`. `all` gives every feature (a function: they are listed after this one).
 */
export function deployment(all: () => readonly Feature[]): Feature {
  const hasSecrets: Feature['applies'] = (answers) =>
    all().some(
      (feature) => feature.applies(answers) && (feature.env?.(answers) ?? []).some((v) => v.secret),
    );
  return {
    id: 'deploy',
    applies: () => true,
    layers: (answers) => [
      'features/deploy/common',
      ...(hasSecrets(answers) ? ['features/deploy/secrets'] : []),
    ],
    gitignore: ['/deploy/kubernetes/secrets.env'],
    readme: () => ['features/deploy/readme/section.md'],
  };
}
