// `create-perf-app [dir] [flags]`: the whole flow, one step a call.

import { basename, relative, resolve } from 'node:path';
import pc from 'picocolors';
import validateName from 'validate-npm-package-name';
import { bunRefusal, type CreateRequest, type PackageManager } from './args.js';
import { CliError, exitCodes, UsageError } from './errors.js';
import { activeFeatures } from './features/index.js';
import { generate } from './generate.js';
import { deflateBase } from './manifest.js';
import {
  formatSeconds,
  initGit,
  insideGitRepo,
  installDependencies,
  missingPackageManager,
} from './install.js';
import { detectPackageManager, runScript } from './package-manager.js';
import {
  answersToFlags,
  checkRules,
  endedNodeLines,
  nodeLines,
  runningNodeLine,
  type Answers,
} from './options.js';
import { generator } from './paths.js';
import { askProjectDir, completeAnswers, isInteractive, questionStream } from './prompt.js';
import type { Tree } from './tree.js';
import { fitBesideUserFiles, readmeBeside, targetState, writeTree } from './write.js';

const defaultDir = 'my-api';

export async function create(request: CreateRequest): Promise<void> {
  // 1. the target directory and the package name it gives
  const dir = request.dir ?? (await pickDir(request));
  const target = resolve(dir);
  const name = basename(target);

  // 2. refuse a name npm would refuse, before asking anything else
  const badName = packageNameProblem(name);
  if (badName) throw new UsageError(badName, nameHint);

  // 3. a target with files in it needs --force, and even then nothing of the user's is replaced
  const state = await targetState(target);
  if (state === 'not-empty' && !request.force && !request.dryRun) {
    throw new CliError(
      `${dir} is not empty.`,
      1,
      'Pick a new directory, or pass --force to add the project beside what is there (no file of yours is replaced).',
    );
  }

  // 4. every answer: flags first, then questions (on a terminal) or defaults (--yes)
  const answers = await completeAnswers(request.given, request.yes, questionStream(request.json));
  checkAnswers(answers);
  checkDependencyNames(name, answers);
  warnAboutNodeLine(answers, request.given.node !== undefined);

  // 5. render the whole project in memory, in its package manager's words; in a folder that
  // has files, beside the user's README
  const pm = request.pm ?? detectPackageManager();
  if (pm === 'bun') throw new UsageError(`bun ran this. ${bunRefusal.message}`, bunRefusal.hint);
  // a new project's base is deflated in the thread pool while writeTree writes the other
  // files; beside a user's files and for the plan, the tree has it (deflated the same way) for
  // the clash check and the listing
  const deferBase = state !== 'not-empty' && !request.dryRun;
  const tree = await generate(name, answers, [], pm, { withBase: !deferBase });
  const base = deferBase ? deflateBase(tree) : undefined;
  // its failure, if any, is thrown where writeTree waits for it, not as an unhandled rejection
  base?.catch(() => undefined);
  const fit =
    state === 'not-empty'
      ? await fitBesideUserFiles(tree, target)
      : { clashes: [], readmeMoved: false };

  // 6. --dry-run and --json show the plan, and what the folder's files mean for it, and stop
  if (request.dryRun) {
    printPlan(tree, {
      name,
      dir,
      target,
      answers,
      json: request.json,
      force: request.force,
      notEmpty: state === 'not-empty',
      ...fit,
    });
    return;
  }
  // a package manager that is not there fails now, before anything is written
  if (request.install) {
    const missing = await missingPackageManager(pm);
    if (missing) throw new CliError(missing, 1);
  }

  // 7. write it all at once
  console.log(`\nCreating ${pc.bold(name)} in ${target} (${answers.framework})`);
  await writeTree(tree, target, base);
  console.log(`  ${pc.green('✔')} ${tree.size} files written`);
  if (fit.readmeMoved) {
    console.log(
      `  ${pc.yellow('!')} README.md is yours and stays: the project's README is ${readmeBeside}`,
    );
  }

  // 8. install; a failure or Ctrl-C keeps the project and says how to finish
  if (request.install) {
    const installed = await installDependencies(pm, target);
    const finish = `Finish by hand:\n${[...cdStep(target), `${pm} install`].map((s) => `  ${s}`).join('\n')}`;
    if (installed.status === 'interrupted') {
      throw new CliError(
        `Cancelled during the install: the project is written in ${target}, its dependencies are not installed.`,
        exitCodes.interrupted,
        finish,
      );
    }
    if (installed.status === 'failed') {
      throw new CliError(
        `Installing dependencies with ${pm} failed:\n${installed.reason}`,
        exitCodes.failure,
        `The project is in ${target}. ${finish}`,
      );
    }
    console.log(
      `  ${pc.green('✔')} dependencies installed with ${pm} in ${formatSeconds(installed.seconds)}`,
    );
  }

  // 9. a repository with a first commit, unless asked not to or already inside one
  if (request.git && !(await insideGitRepo(target))) {
    const committed = await initGit(target);
    if (committed.ok) console.log(`  ${pc.green('✔')} git repository with a first commit`);
    else console.log(`  ${pc.yellow('!')} no git commit made: ${committed.reason}`);
  }

  // 10. what to run next, and how to make the same project again without questions
  printNextSteps({ target, pm, answers, dir, request });
}

/**
 * On stderr, so --json's stdout stays one document: a line past its end of life, and a default
 * line that is not the running Node.js's own (no line is made for it).
 */
function warnAboutNodeLine(answers: Answers, given: boolean): void {
  if (!given && !runningNodeLine.exact) {
    console.error(
      `${pc.yellow('!')} Node.js ${process.versions.node} is not a line projects are made for (${nodeLines.join(', ')}): this one is for Node.js ${answers.node}. Pick another with --node.`,
    );
  }
  const ended = endedNodeLines[answers.node];
  if (ended !== undefined) {
    const flags = nodeLines
      .filter((line) => Number(line) > Number(answers.node))
      .slice(-2)
      .map((line) => `--node ${line}`)
      .join(' or ');
    console.error(
      `${pc.yellow('!')} Node.js ${answers.node} reached its end of life on ${ended}: the project gets the last versions that run on it. Make it for a maintained line with ${flags}.`,
    );
  }
}

async function pickDir(request: CreateRequest): Promise<string> {
  if (request.yes) return defaultDir;
  const output = questionStream(request.json);
  if (!isInteractive(output)) {
    throw new UsageError(
      'No project directory given and no terminal to ask on.',
      'Pass it first: create-perf-app my-api --yes',
    );
  }
  // what steps 2 and 3 would refuse, asked again at the question instead of ending the run
  return askProjectDir(
    defaultDir,
    async (dir) => {
      const target = resolve(dir);
      const badName = packageNameProblem(basename(target));
      if (badName) return `${badName} ${nameHint}`;
      try {
        if ((await targetState(target)) === 'not-empty' && !request.force && !request.dryRun)
          return `${dir} is not empty: pick a new directory, or run again with --force to write beside its files.`;
      } catch (error) {
        // a file where the folder would be
        if (error instanceof CliError) return error.message;
        throw error;
      }
      return undefined;
    },
    output,
  );
}

const nameHint =
  'The name comes from the directory: use lower case letters, digits and dashes, like my-api.';

function packageNameProblem(name: string): string | undefined {
  const result = validateName(name);
  if (result.validForNewPackages) return undefined;
  const why =
    [...(result.errors ?? []), ...(result.warnings ?? [])][0] ?? 'it is not a valid package name';
  return `"${name}" cannot be the project's package name: ${why}.`;
}

function checkAnswers(answers: Answers): void {
  const problems = checkRules(answers);
  if (problems.length > 0)
    throw new UsageError(`These options do not go together: ${problems.join('; ')}`);
}

// npm refuses to install a package into a project with the same name
function checkDependencyNames(name: string, answers: Answers): void {
  const names = activeFeatures(answers).flatMap((f) => [
    ...(f.dependencies?.(answers) ?? []),
    ...(f.devDependencies?.(answers) ?? []),
  ]);
  if ((names as string[]).includes(name)) {
    throw new UsageError(
      `"${name}" is the name of one of the project's dependencies, so npm would refuse to install it.`,
      'Pick another directory name, like my-' + name + '-api.',
    );
  }
}

function printPlan(
  tree: Tree,
  plan: {
    name: string;
    /** as typed, for the warnings */
    dir: string;
    target: string;
    answers: Answers;
    json: boolean;
    force: boolean;
    notEmpty: boolean;
    clashes: string[];
    readmeMoved: boolean;
  },
): void {
  const files = tree
    .files()
    .map((f) => ({ path: f.path, feature: f.owner, bytes: Buffer.byteLength(f.content) }));
  if (plan.json) {
    const { name, target: directory, answers, notEmpty, clashes } = plan;
    console.log(
      JSON.stringify({ name, directory, generator, answers, notEmpty, clashes, files }, null, 2),
    );
    return;
  }
  console.log(`Would create ${pc.bold(plan.name)} in ${plan.target} with ${files.length} files:`);
  for (const file of files)
    console.log(`  ${file.path.padEnd(40)} ${pc.dim(`${file.bytes} B  ${file.feature}`)}`);
  // what the real run would say about a folder that has files, said before it writes
  const warnings: string[] = [];
  if (plan.notEmpty) {
    warnings.push(
      plan.force
        ? `${plan.dir} is not empty: the project would be written beside its files${plan.clashes.length > 0 ? '.' : '; none is replaced.'}`
        : `${plan.dir} is not empty: writing into it needs --force.`,
    );
  }
  if (plan.clashes.length > 0) {
    warnings.push(
      `${plan.force ? 'It' : 'Even with --force it'} would be refused: the project has different files at ${plan.clashes.join(', ')}.`,
    );
  }
  if (plan.readmeMoved) {
    warnings.push(
      `README.md is yours and would stay: the project's README would be ${readmeBeside}.`,
    );
  }
  for (const warning of warnings) console.log(`${pc.yellow('!')} ${warning}`);
  console.log(pc.dim('Dry run: nothing was written.'));
}

function shellWord(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `cd DIR` from where the tool ran; nothing when the project is right here */
function cdStep(target: string): string[] {
  const dir = relative(process.cwd(), target);
  return dir === '' ? [] : [`cd ${shellWord(dir)}`];
}

function printNextSteps(next: {
  target: string;
  pm: PackageManager;
  answers: Answers;
  dir: string;
  request: CreateRequest;
}): void {
  const { pm, request } = next;
  const steps = cdStep(next.target);
  if (!request.install) steps.push(`${pm} install`);
  steps.push(runScript(pm, 'dev'));
  console.log(`\nDone. Next:\n${steps.map((s) => `  ${s}`).join('\n')}`);
  console.log(
    `\nThen: ${runScript(pm, 'test')}, ${runScript(pm, 'build')} && ${runScript(pm, 'start')}.`,
  );
  const flags = [
    ...answersToFlags(next.answers),
    '--pm',
    pm,
    ...(request.install ? [] : ['--no-install']),
    ...(request.git ? [] : ['--no-git']),
  ];
  console.log(
    pc.dim(
      `\nThe same project again, without questions:\n  npx ${generator.name}@${generator.version} ${shellWord(next.dir)} ${flags.join(' ')}`,
    ),
  );
}
