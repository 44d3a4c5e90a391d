// add, remove and update on projects written to disk: every option on every framework gives,
// added later, the same bytes as chosen at create time, and removed, the bytes it had before;
// a user's edits survive and are counted; a clash leaves markers and exits 1; nothing is
// written by --dry-run or --json, or over a dirty tree; a failure puts back what was there; a
// lost base is rendered again by the version that made the project, and refused by another.

import { execa } from 'execa';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RegenerateRequest } from '../../src/args.js';
import { generate } from '../../src/generate.js';
import {
  defaultAnswers,
  frameworks,
  offValue,
  optionKeys,
  specOf,
  type Answers,
  type OptionKey,
} from '../../src/options.js';
import { regenerate } from '../../src/regenerate/command.js';
import { writeTree } from '../../src/write.js';
import { assertBuilt, runCli } from '../helpers/cli.js';
import { pictureOf, tempDir } from '../helpers/fs.js';

let scratch: Awaited<ReturnType<typeof tempDir>>;
let made = 0;
beforeAll(async () => {
  scratch = await tempDir('cpa-regen-');
  // the command prints its plan; the tests read the files
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(() => scratch.cleanup());

/** a project written as create writes it, in a fresh folder */
async function project(answers: Answers): Promise<string> {
  const dir = join(scratch.path, String((made += 1)), 'api');
  await writeTree(await generate('api', answers), dir);
  return dir;
}

const run = (
  dir: string,
  request: Partial<RegenerateRequest> & Pick<RegenerateRequest, 'command'>,
) =>
  regenerate({
    cwd: dir,
    given: {},
    remove: [],
    dryRun: false,
    json: false,
    install: false,
    allowDirty: true,
    ...request,
  });

const valuesOf = (key: OptionKey): unknown[] => {
  const spec = specOf(key);
  return spec.kind === 'toggle' ? [true, false] : spec.choices.map((c) => c.value);
};
const optionsBut = optionKeys.filter((key) => key !== 'framework');
const allOff = (framework: Answers['framework']) =>
  ({ ...Object.fromEntries(optionsBut.map((k) => [k, offValue(k)])), framework }) as Answers;

describe.each(frameworks)('%s', (framework) => {
  const defaults = { ...defaultAnswers(), framework };
  const changes = optionsBut.flatMap((key) =>
    valuesOf(key)
      .filter((value) => value !== defaults[key])
      .map((value) => ({ key, value })),
  );

  it.each(changes)('add --$key $value gives the bytes create gives', async ({ key, value }) => {
    const dir = await project(defaults);
    const wanted = await project({ ...defaults, [key]: value });
    expect(await run(dir, { command: 'add', given: { [key]: value } })).toBe(0);
    expect(await pictureOf(dir)).toEqual(await pictureOf(wanted));
    // the same command again changes nothing
    const before = await pictureOf(dir);
    expect(await run(dir, { command: 'add', given: { [key]: value } })).toBe(0);
    expect(await pictureOf(dir)).toEqual(before);
  });

  const removable = optionsBut.flatMap((key) =>
    valuesOf(key)
      .filter((value) => value !== offValue(key))
      .map((value) => ({ key, value })),
  );

  it.each(removable)(
    'remove after add --$key $value gives back the bytes',
    async ({ key, value }) => {
      const dir = await project(allOff(framework));
      const before = await pictureOf(dir);
      expect(await run(dir, { command: 'add', given: { [key]: value } })).toBe(0);
      expect(await pictureOf(dir)).not.toEqual(before);
      expect(await run(dir, { command: 'remove', remove: [key] })).toBe(0);
      expect(await pictureOf(dir)).toEqual(before);
    },
  );
});

/** a route of the user's own, in the framework's style, for its app file */
const ownRoute: Record<Answers['framework'], string> = {
  fastify: "  app.get('/api/mine', async () => ({ mine: true }));",
  express: "  app.get('/api/mine', (_req, res) => res.json({ mine: true }));",
  hono: "  app.get('/api/mine', (c) => c.json({ mine: true }));",
};

/** inserts `line` after the first line of `path` that contains `anchor` */
async function insertAfter(dir: string, path: string, anchor: string, line: string) {
  const text = await readFile(join(dir, path), 'utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes(anchor));
  if (at < 0) throw new Error(`${path} has no line with ${anchor}`);
  lines.splice(at + 1, 0, line);
  await writeFile(join(dir, path), lines.join('\n'));
}

/**
 * The edits a user makes, on every kind of file the commands touch; returns the lines that
 * are theirs, to count after each command.
 */
async function userEdits(dir: string, framework: Answers['framework']) {
  const lines = {
    'src/app.ts': [ownRoute[framework]],
    'src/routes/items.ts': ['  // ours: the tiny answer is what the status page polls'],
    'src/config.ts': ["    MY_SETTING: z.string().default('mine'),"],
    'README.md': ['# api', '', 'How our team runs this service.'],
  };
  await insertAfter(dir, 'src/app.ts', 'healthRoutes', lines['src/app.ts'][0] ?? '');
  await insertAfter(dir, 'src/routes/items.ts', '/api/tiny', lines['src/routes/items.ts'][0] ?? '');
  await insertAfter(dir, 'src/config.ts', '    PORT:', lines['src/config.ts'][0] ?? '');
  await writeFile(join(dir, 'README.md'), `${lines['README.md'].join('\n')}\n`);
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  pkg['dependencies'] = { ...pkg['dependencies'], 'left-pad': '^1.3.0' };
  pkg['scripts'] = { ...pkg['scripts'], seed: 'tsx scripts/seed.ts' };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // a generated file deleted, a binary of theirs, and a file kept with CRLF line ends
  await rm(join(dir, 'test/errors.test.ts'));
  const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 255]);
  await writeFile(join(dir, 'public/logo.png'), logo);
  const context = await readFile(join(dir, 'src/context.ts'), 'utf8');
  await writeFile(join(dir, 'src/context.ts'), context.replaceAll('\n', '\r\n'));
  return { lines, logo };
}

/** the user's lines and files that are not where they were left; empty when none was lost */
async function lost(dir: string, edits: Awaited<ReturnType<typeof userEdits>>): Promise<string[]> {
  const missing: string[] = [];
  for (const [path, lines] of Object.entries(edits.lines)) {
    const text = await readFile(join(dir, path), 'utf8');
    for (const line of lines)
      if (!text.split(/\r?\n/).includes(line)) missing.push(`${path}: ${line}`);
  }
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  if (pkg['dependencies']?.['left-pad'] !== '^1.3.0') missing.push('package.json: left-pad');
  if (pkg['scripts']?.['seed'] !== 'tsx scripts/seed.ts') missing.push('package.json: seed');
  if (!(await readFile(join(dir, 'public/logo.png'))).equals(edits.logo))
    missing.push('public/logo.png');
  const context = await readFile(join(dir, 'src/context.ts'), 'utf8');
  if (context.replaceAll('\r\n', '').includes('\n')) missing.push('src/context.ts: CRLF');
  const deleted = await readFile(join(dir, 'test/errors.test.ts')).then(
    () => true,
    () => false,
  );
  if (deleted) missing.push('test/errors.test.ts came back');
  return missing;
}

describe.each(frameworks)("a user's edits on %s", (framework) => {
  it('survive add, remove and update, and no line of theirs is lost', async () => {
    const dir = await project({ ...defaultAnswers(), framework });
    const edits = await userEdits(dir, framework);
    const theirs = Object.values(edits.lines).flat().length + 6;

    expect(await run(dir, { command: 'add', given: { tracing: 'otlp', workers: true } })).toBe(0);
    expect(await lost(dir, edits), `of ${theirs} edits`).toEqual([]);
    // the README they rewrote stays theirs; the generated one is beside it
    expect(await readFile(join(dir, 'README.md.new'), 'utf8')).toContain('## Tracing');
    expect(await readFile(join(dir, 'src/app.ts'), 'utf8')).toContain('hashRoutes');

    expect(await run(dir, { command: 'remove', remove: ['tracing', 'workers'] })).toBe(0);
    expect(await lost(dir, edits), `of ${theirs} edits`).toEqual([]);
    expect(await readFile(join(dir, 'src/app.ts'), 'utf8')).not.toContain('hashRoutes');

    expect(await run(dir, { command: 'update' })).toBe(0);
    expect(await lost(dir, edits), `of ${theirs} edits`).toEqual([]);
  });
});

/**
 * Makes the project look made by an older version whose src/server.ts lacked a line: the base,
 * the manifest and the file on disk say so. `update` must then bring the line in.
 */
async function agedProject(answers: Answers) {
  const dir = await project(answers);
  const { gunzipSync, gzipSync } = await import('node:zlib');
  const { hashContent } = await import('../../src/manifest.js');
  const current = await readFile(join(dir, 'src/server.ts'), 'utf8');
  const older = current.replace(/^.*\n/m, '');
  const basePath = join(dir, '.perf-app.base.json.gz');
  const base = JSON.parse(gunzipSync(await readFile(basePath)).toString()) as {
    files: Record<string, { text: string }>;
  };
  base.files['src/server.ts'] = { text: older };
  await writeFile(basePath, gzipSync(JSON.stringify(base)));
  const manifestPath = join(dir, '.perf-app.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    generator: { version: string };
    files: Record<string, { hash: string }>;
  };
  manifest.generator.version = '0.0.9';
  manifest.files['src/server.ts'] = {
    ...manifest.files['src/server.ts'],
    hash: hashContent(older),
  } as { hash: string };
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'src/server.ts'), older);
  return { dir, current, older };
}

describe('remove', () => {
  it("keeps a dependency the user's own code still imports, and drops the others", async () => {
    const dir = await project({ ...defaultAnswers(), httpClient: true });
    await writeFile(
      join(dir, 'src/mine.ts'),
      "import { request } from 'undici';\nexport { request };\n",
    );
    expect(await run(dir, { command: 'remove', remove: ['httpClient'] })).toBe(0);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies['undici']).toBeDefined();
    expect(pkg.dependencies['cockatiel']).toBeUndefined();
  });
});

describe('update', () => {
  it("brings a newer generator's change into an untouched file, and records the version", async () => {
    const { dir, current } = await agedProject(defaultAnswers());
    expect(await run(dir, { command: 'update' })).toBe(0);
    expect(await readFile(join(dir, 'src/server.ts'), 'utf8')).toBe(current);
    const wanted = await project(defaultAnswers());
    expect(await pictureOf(dir)).toEqual(await pictureOf(wanted));
  });

  it('merges it into a file the user edited elsewhere', async () => {
    const { dir, current } = await agedProject(defaultAnswers());
    await appendFile(join(dir, 'src/server.ts'), '// ours\n');
    expect(await run(dir, { command: 'update' })).toBe(0);
    expect(await readFile(join(dir, 'src/server.ts'), 'utf8')).toBe(`${current}// ours\n`);
  });
});

describe('a project that lost its base (.perf-app.base.json.gz)', () => {
  it('is merged against the base this version renders from its manifest, and gets it back', async () => {
    const dir = await project(defaultAnswers());
    await appendFile(join(dir, 'src/app.ts'), '// ours\n');
    await rm(join(dir, '.perf-app.base.json.gz'));
    expect(await run(dir, { command: 'add', given: { tracing: 'otlp' } })).toBe(0);
    const wanted = await project({ ...defaultAnswers(), tracing: 'otlp' });
    const app = await readFile(join(wanted, 'src/app.ts'), 'utf8');
    expect(await readFile(join(dir, 'src/app.ts'), 'utf8')).toBe(`${app}// ours\n`);
    // the base written is the one the new project has
    await appendFile(join(wanted, 'src/app.ts'), '// ours\n');
    expect(await pictureOf(dir)).toEqual(await pictureOf(wanted));
  });

  it('made by another version: refuses, says how to get it back, and changes nothing', async () => {
    const { dir } = await agedProject(defaultAnswers());
    await rm(join(dir, '.perf-app.base.json.gz'));
    const before = await pictureOf(dir);
    await expect(run(dir, { command: 'update' })).rejects.toThrow(
      /\.perf-app\.base\.json\.gz is missing, and create-perf-app \S+ cannot rebuild what 0\.0\.9 generated/,
    );
    expect(await pictureOf(dir)).toEqual(before);
  });
});

describe('the CLI on a project', () => {
  beforeAll(assertBuilt);
  const cli = (dir: string, args: string[]) => runCli(args, { cwd: dir });

  it('a clash leaves markers, lists the file and exits 1; check and the next command refuse', async () => {
    const dir = await project(defaultAnswers());
    // the line the tracing option writes next to
    await insertAfter(
      dir,
      'src/context.ts',
      'const lifecycle = new Lifecycle();',
      '  lifecycle.onClose(async () => undefined); // ours',
    );
    const added = await cli(dir, ['add', '--tracing', 'otlp', '--no-install']);
    expect(added.exitCode, added.stderr).toBe(1);
    expect(added.stdout).toContain('conflict     src/context.ts');
    expect(added.stdout).toContain('1 file has conflicts to resolve: src/context.ts');
    const text = await readFile(join(dir, 'src/context.ts'), 'utf8');
    expect(text).toContain('<<<<<<< yours');
    expect(text).toContain('>>>>>>> create-perf-app');
    expect(text).toContain('// ours');
    const checked = await cli(dir, ['check']);
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout).toContain('conflict markers: src/context.ts');
    const again = await cli(dir, ['add', '--workers', '--no-install']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Conflict markers are still in src/context.ts');
  });

  it('--dry-run shows a unified diff and --json the plan; neither writes', async () => {
    const dir = await project(defaultAnswers());
    const before = await pictureOf(dir);
    const dry = await cli(dir, ['add', '--workers', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+++ b/src/hash/task.ts');
    expect(dry.stdout).toContain('(dry run: nothing written)');
    const json = await cli(dir, ['remove', 'streaming', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as { steps: { path: string; action: string }[] };
    expect(plan.steps).toContainEqual(
      expect.objectContaining({ path: 'src/perf/files.ts', action: 'delete' }),
    );
    expect(await pictureOf(dir)).toEqual(before);
  });

  it('refuses a git tree with uncommitted changes unless --allow-dirty', async () => {
    const dir = await project(defaultAnswers());
    const git = (...args: string[]) =>
      execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-qm', 'made');
    await appendFile(join(dir, 'src/app.ts'), '// work in progress\n');
    const before = await pictureOf(dir);
    const refused = await cli(dir, ['add', '--workers', '--no-install']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('has changes git has not committed');
    expect(refused.stderr).toContain('--allow-dirty');
    expect(await pictureOf(dir)).toEqual(before);
    const allowed = await cli(dir, ['add', '--workers', '--no-install', '--allow-dirty']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
  });

  it('a failure while writing leaves the project as it was', async () => {
    const dir = await project(defaultAnswers());
    // a file where tracing needs a folder: writing its files fails
    await writeFile(join(dir, 'src/perf/tracing'), 'in the way\n');
    const before = await pictureOf(dir);
    const failed = await cli(dir, ['add', '--tracing', 'otlp', '--no-install']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('Could not write src/perf/tracing/');
    expect(failed.stderr).toContain('Nothing was changed');
    expect(await pictureOf(dir)).toEqual(before);
  });

  it('refuses an option it cannot take back, and add without options', async () => {
    const dir = await project(defaultAnswers());
    const framework = await cli(dir, ['remove', 'framework']);
    expect(framework.exitCode).toBe(2);
    expect(framework.stderr).toContain('"framework" is not an option remove can take back');
    // every project is made for a Node.js line: another one is `add --node`
    const node = await cli(dir, ['remove', 'node']);
    expect(node.exitCode).toBe(2);
    expect(node.stderr).toContain('"node" is not an option remove can take back');
    const empty = await cli(dir, ['add']);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('add needs the options to set');
  });
});

describe.each(frameworks)('route on %s', (framework) => {
  const routes = [
    { name: 'orders', method: 'GET', cached: true },
    { name: 'order-lines', method: 'POST', cached: false },
    { name: 'sessions', method: 'DELETE', cached: false },
  ] as const;

  it('route NAME gives the bytes of a project rendered with the route, and keeps it through add', async () => {
    const answers = { ...defaultAnswers(), framework };
    const dir = await project(answers);
    for (const route of routes) expect(await run(dir, { command: 'route', route })).toBe(0);
    const wanted = join(scratch.path, String((made += 1)), 'api');
    await writeTree(await generate('api', answers, routes), wanted);
    expect(await pictureOf(dir)).toEqual(await pictureOf(wanted));
    // the routes are recorded: an option added later keeps them registered
    expect(await run(dir, { command: 'add', given: { workers: true } })).toBe(0);
    const app = await readFile(join(dir, 'src/app.ts'), 'utf8');
    for (const route of routes) expect(app).toContain(`./routes/${route.name}.js`);
  });

  it('refuses a route taken, a cached one without a cache, and removing the cache it needs', async () => {
    const dir = await project({ ...defaultAnswers(), framework, cache: 'none' });
    await expect(
      run(dir, { command: 'route', route: { name: 'orders', method: 'GET', cached: true } }),
    ).rejects.toThrow('needs the cache');
    expect(
      await run(dir, { command: 'route', route: { name: 'orders', method: 'GET', cached: false } }),
    ).toBe(0);
    await expect(
      run(dir, { command: 'route', route: { name: 'orders', method: 'PUT', cached: false } }),
    ).rejects.toThrow('has a route called orders already');
    const cached = await project({ ...defaultAnswers(), framework });
    expect(
      await run(cached, {
        command: 'route',
        route: { name: 'stats', method: 'GET', cached: true },
      }),
    ).toBe(0);
    await expect(run(cached, { command: 'remove', remove: ['cache'] })).rejects.toThrow(
      'The route stats is cached',
    );
  });
});
