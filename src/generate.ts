import type nodePlop from 'node-plop';
import type { PackageManager } from './args.js';
import { activeFeatures } from './features/index.js';
import type { AppData } from './generators/app.js';
import type { Answers } from './options.js';
import type { RouteSpec } from './routes.js';
import type { Project } from './render/project.js';
import { Tree } from './tree.js';

/**
 * Renders a project into a new in-memory tree; nothing touches the disk. With `withBase:
 * false` the tree has no base: create adds it itself (deflateBase), and check, and a merge base
 * rendered again where a project lost its own, have no use for it.
 */
export async function generate(
  name: string,
  answers: Answers,
  routes: readonly RouteSpec[] = [],
  packageManager: PackageManager = 'npm',
  { withBase = true }: { withBase?: boolean } = {},
): Promise<Tree> {
  const project: Project = {
    name,
    answers,
    features: activeFeatures(answers),
    routes,
    packageManager,
  };
  const tree = new Tree();
  const plop = await loadPlop();
  const data: AppData = { project, tree, withBase };
  const { failures } = await plop.getGenerator('app').runActions(data);
  const [failure] = failures as unknown[];
  if (failure) {
    // an action's own error, or plop's summary of it ({ type, path, error })
    if (failure instanceof Error) throw failure;
    const { type, error } = failure as { type?: string; error?: string };
    throw new Error(`generating ${type ?? 'the project'} failed: ${error ?? 'no reason given'}`);
  }
  return tree;
}

type Plop = Awaited<ReturnType<typeof nodePlop>>;
let plop: Promise<Plop> | undefined;

// node-plop pulls in inquirer (~0.3 s): load it once, and only when something is generated
function loadPlop(): Promise<Plop> {
  plop ??= (async () => {
    const [{ default: nodePlop }, { default: appGenerator }] = await Promise.all([
      import('node-plop'),
      import('./generators/app.js'),
    ]);
    const instance = await nodePlop();
    appGenerator(instance);
    return instance;
  })();
  return plop;
}
