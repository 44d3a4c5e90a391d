// each framework's default project, file by file, so a template change reads as a diff in review.
// After an intended change: `npx vitest run --project unit -u`, then read the diff.

import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate.js';
import { hashContent } from '../../src/manifest.js';
import { frameworks } from '../../src/options.js';
import type { Tree } from '../../src/tree.js';
import { answersFor } from '../helpers/answers.js';

function listing(tree: Tree, title: string): string {
  const files = tree.files();
  const index = files.map((f) => `  ${f.path}  (${f.owner})`).join('\n');
  // bytes (the gzipped merge base) by their hash: a change still shows, as one line
  const body = (content: string | Buffer) =>
    typeof content === 'string' ? content : `(${content.length} bytes, ${hashContent(content)})\n`;
  const bodies = files.map((f) => `==> ${f.path}  (${f.owner}) <==\n${body(f.content)}`).join('\n');
  return `${title}\n${files.length} files:\n${index}\n\n${bodies}`;
}

describe('the default tree', () => {
  it.each(frameworks)('of %s matches its snapshot', async (framework) => {
    const answers = answersFor(framework);
    const tree = await generate('snap-app', answers);
    const title = `generate('snap-app', ${JSON.stringify(answers)})`;
    await expect(listing(tree, title)).toMatchFileSnapshot(
      `../__snapshots__/${framework}.tree.txt`,
    );
  });
});
