// the route files `create-perf-app route` writes: formatted as prettier formats them for names
// short and long, registered once in the app file, and refused names and combinations.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, type Options } from 'prettier';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate.js';
import { defaultAnswers, frameworks } from '../../src/options.js';
import { checkRoute, routeMethods, type RouteSpec } from '../../src/routes.js';
import { contentOf } from '../helpers/answers.js';
import { repoRoot } from '../helpers/cli.js';

const prettierConfig = JSON.parse(
  readFileSync(join(repoRoot, 'templates/base/.prettierrc.json'), 'utf8'),
) as Options;

// the shortest name, and the longest a route may have
const names = ['a', 'abcdefghij-klmnopqrs-tuvw'.slice(0, 24)];
const kinds: Omit<RouteSpec, 'name'>[] = [
  ...routeMethods.map((method) => ({ method, cached: false })),
  { method: 'GET', cached: true },
];

describe.each(frameworks)('routes on %s', (framework) => {
  it.each(names)('are written as prettier writes them, named %s', async (name) => {
    const routes = kinds.map((kind, i) => ({ ...kind, name: `${name.slice(0, 22)}-${i}` }));
    const tree = await generate('routes-app', { ...defaultAnswers(), framework }, routes);
    for (const route of routes) {
      for (const path of [`src/routes/${route.name}.ts`, `test/${route.name}.test.ts`]) {
        const text = contentOf(tree, path);
        expect(text, path).toBe(await format(text, { ...prettierConfig, filepath: path }));
        expect(text, path).not.toMatch(/\{\{|\}\}/);
      }
    }
    const app = contentOf(tree, 'src/app.ts');
    for (const route of routes) {
      expect(
        app.match(new RegExp(`from './routes/${route.name}.js'`, 'g')),
        route.name,
      ).toHaveLength(1);
    }
    expect(contentOf(tree, 'README.md')).toContain(`/api/${routes[0]?.name ?? ''}`);
  });
});

describe('checkRoute', () => {
  const get = (name: string, extra: Partial<RouteSpec> = {}): RouteSpec => ({
    name,
    method: 'GET',
    cached: false,
    ...extra,
  });
  const answers = defaultAnswers();

  it('takes lower case words joined by dashes, up to 24 characters', () => {
    expect(checkRoute(get('order-lines'), answers, [])).toBeUndefined();
    for (const name of ['Orders', 'order_lines', '-orders', 'orders-', '9lives', 'a'.repeat(25)]) {
      expect(checkRoute(get(name), answers, []), name).toContain('cannot name a route');
    }
  });

  it("refuses a generated route's name, a name taken, and a cache it would not have", () => {
    expect(checkRoute(get('items'), answers, [])).toContain('the options generate');
    expect(checkRoute(get('orders'), answers, [get('orders')])).toContain('already');
    expect(checkRoute(get('orders', { cached: true, method: 'POST' }), answers, [])).toContain(
      'answers GET',
    );
    expect(
      checkRoute(get('orders', { cached: true }), { ...answers, cache: 'none' }, []),
    ).toContain('add --cache memory');
  });
});
