// the answer sets the unit tests generate: every combination the option model allows,
// so a new option or choice is covered without touching the tests.

import { generate } from '../../src/generate.js';
import {
  checkRules,
  defaultAnswers,
  frameworks,
  offValue,
  optionKeys,
  specOf,
  type Answers,
  type Framework,
  type NodeLine,
  type OptionKey,
} from '../../src/options.js';
import type { Tree } from '../../src/tree.js';

export interface AnswerSet {
  /** e.g. `framework=hono cache=redis`, for test names */
  id: string;
  answers: Answers;
}

/**
 * The Node.js lines every other option value is tested on: the oldest and the newest;
 * src/versions.ts gives 22 and 24 the versions of 26, and a unit test renders every line.
 */
export const pairedNodeLines = ['20', '26'] as const satisfies readonly NodeLine[];

/** the line the all-on set of each framework is also booted on, besides `pairedNodeLines` */
export const allOnAlsoOn: NodeLine = '24';

function valuesOf(key: (typeof optionKeys)[number]): unknown[] {
  if (key === 'node') return [...pairedNodeLines];
  const spec = specOf(key);
  return spec.kind === 'choice' ? spec.choices.map((c) => c.value) : [true, false];
}

/** every combination of every option's values that breaks no rule (Node.js: `pairedNodeLines`) */
export function allAnswerSets(): AnswerSet[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const key of optionKeys) {
    combos = combos.flatMap((combo) => valuesOf(key).map((value) => ({ ...combo, [key]: value })));
  }
  return combos
    .map((combo) => combo as Answers)
    .filter((answers) => checkRules(answers).length === 0)
    .map((answers) => ({
      id: optionKeys.map((key) => `${key}=${String(answers[key])}`).join(' '),
      answers,
    }));
}

// "on" for each option: the fullest value (offValue, in the option model, means without it);
// for jobs the queue in Redis with its own worker process, the most moving parts
const onValue = (key: OptionKey): unknown => {
  const spec = specOf(key);
  if (spec.kind === 'toggle') return true;
  const fullest = ['tiered', 'br', 'nginx', 'postgres', 'otlp', 'bullmq'];
  return spec.choices.find((c) => fullest.includes(c.value))?.value ?? spec.default;
};

/** every option at its fullest, with this framework: the all-on set */
export const allOnAnswers = (framework: Framework): Answers =>
  ({ ...Object.fromEntries(optionKeys.map((k) => [k, onValue(k)])), framework }) as Answers;

/**
 * `fastify-node26-memory-...`: the values in option order, toggles as `flag` / `no-flag`, a
 * number after its flag (a flag is lower case, as a package name must be)
 */
export function shortId(answers: Answers): string {
  return optionKeys
    .map((key) => {
      const value = answers[key] as unknown;
      const { flag } = specOf(key);
      if (typeof value === 'boolean') return value ? flag : `no-${flag}`;
      return /^\d+$/.test(String(value)) ? `${flag}${String(value)}` : String(value);
    })
    .join('-');
}

/**
 * Greedy set cover: starting from `chosen`, each round adds the candidate with the most traits
 * no chosen one has yet (the first such, on a tie), until every candidate's traits are had.
 */
export function greedyCover<T>(
  candidates: T[],
  traitsOf: (candidate: T) => string[],
  chosen: T[] = [],
): T[] {
  const uncovered = new Set(candidates.flatMap(traitsOf));
  const picked = [...chosen];
  for (const candidate of picked) for (const trait of traitsOf(candidate)) uncovered.delete(trait);
  while (uncovered.size > 0) {
    let best: T | undefined;
    let bestGain = 0;
    for (const candidate of candidates) {
      const gain = traitsOf(candidate).filter((trait) => uncovered.has(trait)).length;
      if (gain > bestGain) [best, bestGain] = [candidate, gain];
    }
    if (best === undefined) break;
    for (const trait of traitsOf(best)) uncovered.delete(trait);
    picked.push(best);
  }
  return picked;
}

/** greedy all-pairs: each round takes the combination that covers the most uncovered pairs */
export function allPairs(): Answers[] {
  const pairsOf = (answers: Answers) =>
    optionKeys.flatMap((a, i) =>
      optionKeys.slice(i + 1).map((b) => `${a}=${String(answers[a])}&${b}=${String(answers[b])}`),
    );
  return greedyCover(
    allAnswerSets().map((set) => set.answers),
    pairsOf,
  );
}

/**
 * The sets the test suites run, as DESIGN.md asks: every pair of option values in at least
 * one set, plus the defaults, all-off and all-on of each framework (the all-on also on Node.js
 * 24); only valid combinations.
 */
export function coveringSets(): AnswerSet[] {
  const sets = new Map<string, Answers>();
  const add = (answers: Answers) => {
    if (checkRules(answers).length === 0) sets.set(shortId(answers), answers);
  };
  for (const framework of frameworks) {
    add({ ...defaultAnswers(), framework });
    add({ ...Object.fromEntries(optionKeys.map((k) => [k, offValue(k)])), framework } as Answers);
    add(allOnAnswers(framework));
    add({ ...allOnAnswers(framework), node: allOnAlsoOn });
  }
  for (const answers of allPairs()) add(answers);
  return [...sets].map(([, answers]) => ({
    id: optionKeys.map((key) => `${key}=${String(answers[key])}`).join(' '),
    answers,
  }));
}

/** the defaults, with this framework */
export const answersFor = (framework: Framework): Answers => ({ ...defaultAnswers(), framework });

export const defaultSets: AnswerSet[] = frameworks.map((framework) => ({
  id: framework,
  answers: answersFor(framework),
}));

const generated = new Map<string, Promise<Tree>>();

/** generate(), once per name and answers in a test file: the trees are only read */
export function generateOnce(name: string, answers: Answers): Promise<Tree> {
  const key = `${name} ${JSON.stringify(answers)}`;
  let tree = generated.get(key);
  if (!tree) {
    tree = generate(name, answers);
    generated.set(key, tree);
  }
  return tree;
}

/** a file's content, failing the test with the path when the tree does not have it */
export function contentOf(tree: Tree, path: string): string {
  const file = tree.get(path);
  if (!file) throw new Error(`the tree has no ${path}; it has ${tree.size} files`);
  if (typeof file.content !== 'string') throw new Error(`${path} is not text`);
  return file.content;
}

/** the tree's text files (all but images, fonts and other bytes) */
export function textFiles(tree: Tree): { path: string; content: string; owner: string }[] {
  return tree
    .files()
    .flatMap((file) =>
      typeof file.content === 'string' ? [{ ...file, content: file.content }] : [],
    );
}
