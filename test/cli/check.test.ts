// create-perf-app check, on projects the built CLI makes: 0 when the project is what its
// answers render (the user's edits do not count), 1 with the reason when a conflict or an
// update is pending, 2 when the folder is not such a project. It never writes.

import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { generator } from '../../src/paths.js';
import { assertBuilt, cliTest as it, runCli } from '../helpers/cli.js';
import { pictureOf } from '../helpers/fs.js';

beforeAll(assertBuilt);

/** a project made by the CLI in `cwd`/api, without install or git */
async function project(cwd: string, flags: string[] = []): Promise<string> {
  const made = await runCli(['api', '--yes', '--no-install', '--no-git', ...flags], { cwd });
  expect(made.exitCode, made.stderr).toBe(0);
  return join(cwd, 'api');
}

/** runs check in `dir`, and makes sure it wrote nothing */
async function check(dir: string, args: string[] = []) {
  const before = await pictureOf(dir);
  const result = await runCli(['check', ...args], { cwd: dir });
  expect(await pictureOf(dir), 'check changed the project').toEqual(before);
  return result;
}

async function editManifest(dir: string, change: (manifest: Record<string, unknown>) => void) {
  const path = join(dir, '.perf-app.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(manifest);
  await writeFile(path, JSON.stringify(manifest, null, 2));
}

describe.concurrent('check', () => {
  it('exits 0 on a project just made, and records its name', async ({ cwd }) => {
    const dir = await project(cwd, ['--framework', 'hono', '--workers']);
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`✔ up to date with ${generator.name} ${generator.version}\n`.trimEnd());
    const manifest = JSON.parse(await readFile(join(dir, '.perf-app.json'), 'utf8')) as {
      name: string;
    };
    expect(manifest.name).toBe('api');
  });

  it("counts the user's edits and deletions as theirs: still 0", async ({ cwd }) => {
    const dir = await project(cwd);
    await appendFile(join(dir, 'src/app.ts'), '// a line of mine\n');
    await rm(join(dir, 'README.md'));
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('(2 generated files edited by you)');
  });

  it('exits 1 naming each file that still holds conflict markers', async ({ cwd }) => {
    const dir = await project(cwd);
    await appendFile(join(dir, 'src/server.ts'), '<<<<<<< yours\na\n=======\nb\n>>>>>>> new\n');
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('✖ 1 file still holds conflict markers: src/server.ts');
  });

  it('exits 1 when another version made the project', async ({ cwd }) => {
    const dir = await project(cwd);
    await editManifest(dir, (m) => (m['generator'] = { name: generator.name, version: '0.0.1' }));
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(1);
    expect(stdout).toContain(`made by ${generator.name} 0.0.1; this is ${generator.version}`);
    expect(stdout).toContain('update');
  });

  it('exits 1 listing the files the same answers now render differently', async ({ cwd }) => {
    const dir = await project(cwd);
    // as if the templates had changed: what is recorded no longer matches this render
    await editManifest(dir, (m) => {
      (m['answers'] as Record<string, unknown>)['compression'] = 'gzip';
    });
    const { exitCode, stdout } = await check(dir);
    expect(exitCode).toBe(1);
    expect(stdout).toMatch(/^✖ \d+ files would be written differently from the same answers: /);
    expect(stdout).toContain('.env.example');
  });

  it('--json prints the report, --cwd names the project', async ({ cwd }) => {
    const dir = await project(cwd);
    await appendFile(join(dir, 'src/app.ts'), '// mine\n');
    const { exitCode, stdout } = await runCli(['check', '--json', '--cwd', 'api'], { cwd });
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      status: 'current',
      reason: expect.stringContaining('up to date') as unknown,
      version: { project: generator.version, tool: generator.version },
      conflicted: [],
      pending: [],
      edited: ['src/app.ts'],
    });
  });

  it('takes a manifest without options added since (their off value) or a name', async ({
    cwd,
  }) => {
    const dir = await project(cwd);
    await editManifest(dir, (m) => {
      delete (m['answers'] as Record<string, unknown>)['workers'];
      delete m['name'];
    });
    const { exitCode, stdout } = await check(dir);
    expect(stdout).toContain('up to date');
    expect(exitCode).toBe(0);
  });

  it('exits 2 in a folder that is not a project, saying where to run it', async ({ cwd }) => {
    const { exitCode, stderr } = await check(cwd);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('has no .perf-app.json');
    expect(stderr).toContain('--cwd');
  });

  it('exits 2 on a manifest that names an unknown option or value', async ({ cwd }) => {
    const dir = await project(cwd);
    await editManifest(dir, (m) => {
      (m['answers'] as Record<string, unknown>)['cache'] = 'memcached';
    });
    const { exitCode, stderr } = await check(dir);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('"memcached" is not a value of "cache"');
  });
});
