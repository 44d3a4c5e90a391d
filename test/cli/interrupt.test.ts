// Ctrl-C at a question ends the CLI with exit code 130 and leaves nothing behind (it needs a
// terminal: the questions are only asked when stdin and stdout are one); Ctrl-C while a
// command changes a project leaves it as it was, or as the command makes it, never between.

import { execa } from 'execa';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import { assertBuilt, cliEnv, cliPath, cliTest as it, runCli } from '../helpers/cli.js';
import { pictureOf } from '../helpers/fs.js';
import { runOnTerminal, typeAtPrompt } from '../helpers/pty.js';

const ctrlC = '\x03';

beforeAll(assertBuilt);

describe.concurrent('Ctrl-C at a prompt', () => {
  it.for([
    { prompt: 'Which framework?', args: ['my-api', '--no-install', '--no-git'] },
    { prompt: 'Project directory', args: ['--no-install', '--no-git'] },
  ])('at $prompt exits 130 and creates no directory', async ({ prompt, args }, { cwd }) => {
    await writeFile(join(cwd, 'keep.txt'), 'mine\n');
    const { exitCode, output } = await typeAtPrompt(args, {
      cwd,
      waitFor: new RegExp(prompt.replace('?', '\\?')),
      keys: ctrlC,
    });
    expect(output).toContain('Cancelled: nothing was written.');
    expect(exitCode).toBe(130);
    expect(await readdir(cwd)).toEqual(['keep.txt']);
  });
});

/**
 * A registry that takes connections and never answers, so that `npm install` hangs until it is
 * stopped; `open()` counts the connections still open.
 */
async function silentRegistry(): Promise<{ url: string; open: () => number; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    // read what comes, so that the client's end is seen and the socket closes with it
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    open: () => sockets.size,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe.concurrent('Ctrl-C during the install', () => {
  const args = ['my-api', '--yes', '--no-git', '--pm', 'npm'];
  const howToFinish = /^ {2}cd my-api\r?\n {2}npm install\r?$/m;

  it('on a terminal: exits 130, says the project is written and how to finish', async ({ cwd }) => {
    const registry = await silentRegistry();
    try {
      const { exitCode, output } = await runOnTerminal(args, {
        cwd,
        env: { npm_config_registry: registry.url },
        steps: [{ waitFor: /installing dependencies with npm/, keys: ctrlC }],
        timeoutMs: 30_000,
      });
      expect(exitCode, output).toBe(130);
      expect(output).toContain(`the project is written in ${join(cwd, 'my-api')}`);
      expect(output).toMatch(howToFinish);
      expect(await readdir(join(cwd, 'my-api'))).toContain('package.json');
    } finally {
      registry.close();
    }
  });

  it('by SIGINT to the CLI alone: stops the install too, exits 130 and says how to finish', async ({
    cwd,
  }) => {
    const registry = await silentRegistry();
    try {
      const child = execa(process.execPath, [cliPath, ...args], {
        cwd,
        env: cliEnv({ npm_config_registry: registry.url }),
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
        timeout: 30_000,
      });
      // npm is asking the registry: the install is under way
      while (registry.open() === 0 && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      const { exitCode, stdout, stderr } = await child;
      expect(exitCode, stdout + stderr).toBe(130);
      expect(stderr).toContain(`the project is written in ${join(cwd, 'my-api')}`);
      expect(stderr).toMatch(howToFinish);
      // npm was stopped with the CLI: its connections to the registry close
      const deadline = Date.now() + 10_000;
      while (registry.open() > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(registry.open()).toBe(0);
    } finally {
      registry.close();
    }
  });
  it('during the install of add: exits 130, keeps the change, says how to finish', async ({
    cwd,
  }) => {
    expect((await runCli(['api', '--yes', '--no-install', '--no-git'], { cwd })).exitCode).toBe(0);
    const registry = await silentRegistry();
    try {
      const { exitCode, output } = await runOnTerminal(['add', '--workers'], {
        cwd: join(cwd, 'api'),
        env: { npm_config_registry: registry.url },
        steps: [{ waitFor: /installing dependencies with npm/, keys: ctrlC }],
        timeoutMs: 30_000,
      });
      expect(exitCode, output).toBe(130);
      expect(output).toContain('the project was updated, its dependencies are not installed');
      expect(output).toContain('Finish by hand: npm install');
      const manifest = JSON.parse(await readFile(join(cwd, 'api', 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      expect(manifest.dependencies).toHaveProperty('piscina');
    } finally {
      registry.close();
    }
  });
});

describe('Ctrl-C while add changes a project', () => {
  it('leaves it as it was or as add makes it, at whatever moment it comes', async ({ cwd }) => {
    const args = ['add', '--tracing', 'otlp', '--workers', '--no-install'];
    expect((await runCli(['api', '--yes', '--no-install', '--no-git'], { cwd })).exitCode).toBe(0);
    const source = join(cwd, 'api');
    const before = await pictureOf(source);
    const done = join(cwd, 'done');
    await cp(source, done, { recursive: true });
    expect((await runCli(args, { cwd: done })).exitCode).toBe(0);
    const after = await pictureOf(done);
    // from before the handler is set to after the last rename: each lands somewhere in the run
    for (const delayMs of [0, 150, 300, 450, 600, 750, 900]) {
      const dir = join(cwd, `at-${delayMs}`);
      await cp(source, dir, { recursive: true });
      const child = execa(process.execPath, [cliPath, ...args], {
        cwd: dir,
        env: cliEnv(),
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
      });
      setTimeout(() => child.kill('SIGINT'), delayMs);
      const { exitCode } = await child;
      expect([before, after], `Ctrl-C at ${delayMs} ms`).toContainEqual(await pictureOf(dir));
      // 130 when our handler undid the writes; no code when Node's own ended the process first
      expect([0, 130, undefined], `Ctrl-C at ${delayMs} ms`).toContain(exitCode);
    }
  });
});
