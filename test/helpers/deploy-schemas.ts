// RUN-4: the published schemas compose.yaml and the Kubernetes manifests are checked against,
// offline: the Compose Specification's JSON schema as dclint (a compose linter) ships it, and
// the Kubernetes API's schemas as kubernetes-models compiles them into validators and types.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { DCLinter } from 'dclint';
import ts from 'typescript';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';

const require = createRequire(import.meta.url);
const composeSchemaFile = join(
  dirname(require.resolve('dclint/package.json')),
  'schemas',
  'compose.schema.json',
);

// strict off: the schema carries annotations (`deprecated`) that Ajv's strict mode refuses
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
// it names draft-07 by an https address Ajv does not know; without the name, Ajv's draft-07 reads it
const schema = JSON.parse(readFileSync(composeSchemaFile, 'utf8')) as Record<string, unknown>;
delete schema['$schema'];
const composeSchema = ajv.compile(schema);

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);

/** every way `document` breaks the Compose Specification; empty when it conforms */
export function composeProblems(document: unknown): string[] {
  return composeSchema(document) ? [] : describeErrors(composeSchema.errors);
}

interface LintResult {
  messages: { line: number; message: string; rule: string }[];
}

/**
 * What dclint's rules say of a compose file (security: ports bound to an interface; order of
 * services and keys), as `line: message`; empty when it has nothing to say. It reads files only.
 */
export function composeLint(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'compose-lint-'));
  try {
    const file = join(dir, 'compose.yaml');
    writeFileSync(file, text);
    const linter = new DCLinter({ rules: {}, quiet: false, debug: false, exclude: [] });
    // its types name their modules without extensions, which NodeNext does not follow
    const results: LintResult[] = linter.lintFiles([file], false);
    return results.flatMap((result) =>
      result.messages.map((m) => `${m.line}: ${m.message} (${m.rule})`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Validatable {
  validate(): void;
}
type Model = new (data: never) => Validatable;

// the kinds the manifests use, by `apiVersion/kind`; another kind is a problem until listed here
const models: Record<string, Model> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

/** every way `manifest` breaks its kind's Kubernetes schema; empty when it conforms */
export function kubernetesProblems(manifest: Record<string, unknown>): string[] {
  const kind = `${String(manifest['apiVersion'])}/${String(manifest['kind'])}`;
  const model = models[kind];
  if (!model) return [`no schema for ${kind}`];
  try {
    new model(manifest as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/**
 * Unknown fields, which the Kubernetes schemas allow (a misspelt `readinessProbes` passes them):
 * each manifest becomes an object literal typed with its kind's interface from kubernetes-models,
 * and TypeScript's excess property check names any field the API does not have, at any depth.
 * One program for every manifest given, by name: a few seconds in all. Returns the problems of
 * each name, `path: message`.
 */
export function unknownFields(
  manifests: Map<string, Record<string, unknown>>,
): Map<string, string[]> {
  const root = join(dirname(require.resolve('kubernetes-models/package.json')), '..', '..');
  const sources = new Map<string, string>();
  const names = new Map<string, string>();
  [...manifests].forEach(([name, manifest], index) => {
    const version = String(manifest['apiVersion']);
    const kind = String(manifest['kind']);
    const file = join(root, `__manifest_${index}.ts`);
    sources.set(
      file,
      `import type { I${kind} } from 'kubernetes-models/${version}/${kind}';\n` +
        `export const manifest: I${kind} = ${JSON.stringify(manifest, null, 1)};\n`,
    );
    names.set(file, name);
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    // kubernetes-models' types name their modules without extensions
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (file, language, ...rest) => {
    const text = sources.get(file);
    return text === undefined
      ? getSourceFile.call(host, file, language, ...rest)
      : ts.createSourceFile(file, text, language);
  };
  host.fileExists = (file) => sources.has(file) || fileExists.call(host, file);
  const program = ts.createProgram([...sources.keys()], options, host);
  const problems = new Map([...manifests.keys()].map((name) => [name, [] as string[]]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const name = names.get(diagnostic.file?.fileName ?? '');
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (name === undefined) throw new Error(`type-checking the manifests: ${message}`);
    problems.get(name)?.push(message);
  }
  return problems;
}
