// the `app` generator: renders a whole project into the in-memory tree. Questions are asked
// before plop loads (src/prompt.ts), so here the answers are already complete.

import type { NodePlopAPI } from 'node-plop';
import { renderManifest } from '../manifest.js';
import { inManagerWords } from '../package-manager.js';
import { layersOf, type Project } from '../render/project.js';
import { renderDotfiles, renderGlossary, renderPackageJson } from '../render/shared-files.js';
import { renderLayer, renderRoute } from '../render/templates.js';
import type { RouteSpec } from '../routes.js';
import type { Tree } from '../tree.js';

export interface AppData {
  project: Project;
  tree: Tree;
  /** whether the manifest action adds the base too (generate) */
  withBase: boolean;
}

export default function appGenerator(plop: NodePlopAPI): void {
  plop.setActionType('layer', async (data, config) => {
    const { project, tree } = data as AppData;
    renderLayer(tree, config['layer'] as string, config['owner'] as string, project);
    return config['layer'] as string;
  });
  plop.setActionType('route', async (data, config) => {
    const { project, tree } = data as AppData;
    renderRoute(tree, config['route'] as RouteSpec, project);
    return `src/routes/${(config['route'] as RouteSpec).name}.ts`;
  });
  plop.setActionType('shared-files', async (data) => {
    const { project, tree } = data as AppData;
    renderPackageJson(tree, project);
    renderDotfiles(tree, project);
    return 'package.json, .gitignore, .env.example';
  });
  // every text a person reads in the manager's words: templates write npm's
  plop.setActionType('manager-words', async (data) => {
    const { project, tree } = data as AppData;
    for (const { path, content } of tree.files()) {
      if (typeof content === 'string' && path !== 'package.json')
        tree.replace(path, inManagerWords(content, project.packageManager));
    }
    return project.packageManager;
  });
  // after every file is written: it lists the technique IDs they name
  plop.setActionType('glossary', async (data) => {
    const { project, tree } = data as AppData;
    renderGlossary(tree, project.packageManager);
    return 'README.md';
  });
  // last: the manifest hashes what every other action wrote
  plop.setActionType('manifest', async (data) => {
    const { project, tree, withBase } = data as AppData;
    await renderManifest(tree, project, withBase);
    return '.perf-app.json';
  });

  plop.setGenerator('app', {
    description: 'a new project from the answers',
    prompts: [],
    actions: (data) => {
      const { project } = data as AppData;
      return [
        ...project.features.flatMap((feature) =>
          layersOf(feature, project).map((layer) => ({ type: 'layer', layer, owner: feature.id })),
        ),
        ...project.routes.map((route) => ({ type: 'route', route })),
        { type: 'shared-files' },
        { type: 'manager-words' },
        { type: 'glossary' },
        { type: 'manifest' },
      ];
    },
  });
}
