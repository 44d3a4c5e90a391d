// once per end-to-end run: pack the tool, generate every option set from the tarball into one
// workspace, install it once, and build every app. Test files then only check and probe.

import { execa } from 'execa';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appDir, packTool, prepareWorkspace, workDir } from '../helpers/e2e.js';
import { optionSets } from './sets.js';

const lockFile = join(workDir, 'e2e.lock');

// one run at a time owns test/.work: a second one would delete the first one's workspace
async function takeLock(): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const holder = Number(await readFile(lockFile, 'utf8').catch(() => '0'));
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new Error(
      `another end-to-end run (pid ${holder}) is using ${workDir}; wait for it to finish`,
    );
  }
  await writeFile(lockFile, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export async function teardown(): Promise<void> {
  await rm(lockFile, { force: true });
}

export default async function setup(): Promise<() => Promise<void>> {
  await takeLock();
  const started = Date.now();
  const tarball = await packTool();
  await prepareWorkspace(tarball, optionSets);
  const installed = Date.now();
  // two builds at a time: the machine has two cores
  const queue = [...optionSets];
  const worker = async () => {
    for (let set = queue.shift(); set; set = queue.shift()) {
      const build = await execa('npm', ['run', 'build'], {
        cwd: appDir(set),
        reject: false,
        all: true,
      });
      if (build.exitCode !== 0)
        throw new Error(`e2e-${set.id}: npm run build failed:\n${build.all}`);
    }
  };
  await Promise.all([worker(), worker()]);
  console.log(
    `e2e: ${optionSets.length} apps generated and installed in ${seconds(installed - started)}, built in ${seconds(Date.now() - installed)}`,
  );
  return teardown;
}
