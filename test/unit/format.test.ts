import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { coveringSets, contentOf, generateOnce, textFiles } from '../helpers/answers.js';

// the generated project's `npm run lint` runs `prettier --check .`: every file it would check
// must already be formatted, whatever the answers. Checking here costs no install.
const formatted = /\.(ts|js|json|md|ya?ml)$/;

// a long name (as the end-to-end apps have) pushes the lines it appears in past the print width
const longName =
  'a-service-with-a-name-long-enough-to-push-the-lines-it-is-in-past-the-print-width';

describe.each(coveringSets())('$id', ({ answers }) => {
  it('writes every file already formatted by prettier', async () => {
    const tree = await generateOnce(longName, answers);
    const options = JSON.parse(contentOf(tree, '.prettierrc.json')) as prettier.Options;
    const unformatted: string[] = [];
    for (const file of textFiles(tree)) {
      if (!formatted.test(file.path)) continue;
      if (!(await prettier.check(file.content, { ...options, filepath: file.path }))) {
        unformatted.push(file.path);
      }
    }
    expect(unformatted).toEqual([]);
  });
});
