import { describe, expect, it } from 'vitest';
import { planSteps, type Content } from '../../src/regenerate/plan.js';

const labels = { ours: 'yours', theirs: 'create-perf-app' };
const plan = (
  disk: Record<string, Content | undefined>,
  base: Record<string, Content>,
  next: Record<string, Content>,
) =>
  planSteps(
    new Map(Object.entries(disk)),
    new Map(Object.entries(base)),
    new Map(Object.entries(next)),
    labels,
  ).map(({ path, action, content }) => ({ path, action, content }));

describe('planSteps', () => {
  it('replaces, creates and deletes what the user never touched; leaves the rest alone', () => {
    expect(
      plan(
        { 'a.ts': 'a1\n', 'b.ts': 'b1\n', 'same.ts': 's\n', 'mine.ts': 'm\n' },
        { 'a.ts': 'a1\n', 'b.ts': 'b1\n', 'same.ts': 's\n' },
        { 'a.ts': 'a2\n', 'c.ts': 'c\n', 'same.ts': 's\n' },
      ),
    ).toEqual([
      { path: 'a.ts', action: 'update', content: 'a2\n' },
      { path: 'b.ts', action: 'delete', content: undefined },
      { path: 'c.ts', action: 'create', content: 'c\n' },
    ]);
  });

  it("keeps the user's edit and deletion, and a file no longer generated that they edited", () => {
    expect(
      plan(
        { 'edited.ts': 'mine\n', 'gone.ts': undefined, 'old.ts': 'old, mine\n' },
        { 'edited.ts': 'x\n', 'gone.ts': 'g\n', 'old.ts': 'old\n' },
        { 'edited.ts': 'x\n', 'gone.ts': 'g2\n' },
      ).map(({ path, action }) => [path, action]),
    ).toEqual([
      ['edited.ts', 'keep'],
      ['gone.ts', 'skip-deleted'],
      ['old.ts', 'keep'],
    ]);
  });

  it('writes a binary file both changed beside it, never merged', () => {
    const bytes = (...values: number[]) => Buffer.from(values);
    expect(
      plan(
        { 'logo.png': bytes(0, 1, 9) },
        { 'logo.png': bytes(0, 1, 2) },
        { 'logo.png': bytes(0, 1, 3) },
      ),
    ).toEqual([{ path: 'logo.png', action: 'beside', content: bytes(0, 1, 3) }]);
  });

  it('merges an edited file the generator changed, and marks a clash', () => {
    const [merged] = plan(
      { 'a.ts': '1\nmine\n3\n' },
      { 'a.ts': '1\n2\n3\n' },
      { 'a.ts': '0\n1\n2\n3\n' },
    );
    expect(merged).toEqual({ path: 'a.ts', action: 'merge', content: '0\n1\nmine\n3\n' });
    const [clash] = plan(
      { 'a.ts': '1\nmine\n3\n' },
      { 'a.ts': '1\n2\n3\n' },
      { 'a.ts': '1\nnew\n3\n' },
    );
    expect(clash?.action).toBe('conflict');
    expect(clash?.content).toContain('<<<<<<< yours\nmine\n=======\nnew\n>>>>>>> create-perf-app');
  });
});
