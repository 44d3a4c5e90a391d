// the option sets the end-to-end suite generates, installs, checks, boots and probes: every
// pair of option values appears in at least one set (all-pairs), plus the defaults, all-off
// and all-on for each framework. It reads the option model, so a new option is covered at once.

import { activeFeatures } from '../../src/features/index.js';
import { layersOf } from '../../src/render/project.js';
import { defaultAnswers, frameworks, optionKeys, type Answers } from '../../src/options.js';
import {
  allOnAnswers,
  coveringSets,
  greedyCover,
  pairedNodeLines,
  shortId,
} from '../helpers/answers.js';

export interface OptionSet {
  /** short and unique; the app's directory is `e2e-<id>` */
  id: string;
  answers: Answers;
}

/**
 * For a local run on a few sets: `E2E_SETS="framework=hono workers=true"` keeps the sets with
 * every one of those answers. Unset (as in CI), every set runs.
 */
function wanted(answers: Answers): boolean {
  const filter = process.env.E2E_SETS?.trim();
  if (!filter) return true;
  return filter.split(/\s+/).every((condition) => {
    const [key, value] = condition.split('=');
    return String(answers[key as keyof Answers]) === value;
  });
}

/**
 * Every set the suite generates, installs, builds and boots (apps.test.ts): every pair of option
 * values, plus the defaults, all-off and all-on of each framework, and the all-on sets on
 * Node.js 24 too.
 */
export const allSets: OptionSet[] = coveringSets()
  .filter(({ answers }) => wanted(answers))
  .map(({ answers }) => ({ id: shortId(answers), answers }));

/**
 * The sets the other end-to-end files pick from: those on the lines every value is paired with
 * (20 and 26). The all-on sets on 24 are booted and probed, and run nothing more.
 */
export const optionSets: OptionSet[] = allSets.filter(({ answers }) =>
  (pairedNodeLines as readonly string[]).includes(answers.node),
);

/** the defaults of each framework */
export const defaultSetIds = new Set(
  frameworks.map((framework) => shortId({ ...defaultAnswers(), framework })),
);

/** every option at its fullest, on each framework */
export const allOnSetIds = new Set(frameworks.map((framework) => shortId(allOnAnswers(framework))));

/**
 * One set (the last) for each value of `key`: a suite that checks one behaviour across processes
 * (a stampede, a Redis outage) needs it once per framework and backend, not once per set.
 */
export function onePer(sets: OptionSet[], key: (answers: Answers) => string): OptionSet[] {
  return [...new Map(sets.map((set) => [key(set.answers), set])).values()];
}

/** what a set shows on its framework: each template layer it renders, and each answer */
function traitsOf({ answers }: OptionSet): string[] {
  const project = {
    name: 'traits',
    answers,
    features: activeFeatures(answers),
    routes: [],
    packageManager: 'npm' as const,
  };
  const layers = project.features.flatMap((feature) => layersOf(feature, project));
  const values = optionKeys.map((key) => `${key}=${String(answers[key])}`);
  return [...layers, ...values].map((trait) => `${answers.framework} ${trait}`);
}

/**
 * The sets whose generated apps run their own test suites: the fewest (chosen greedily) in
 * which every template layer and every option value meets every framework, plus the defaults
 * and all-off sets. So every test file we ship runs on every framework, and every value is
 * tested somewhere; the other sets are still generated, type-checked, linted, booted and
 * probed. Running every app's suite would double the run for pairs the layers already cover.
 */
export const ownTestSets: OptionSet[] = (() => {
  const allOff = (answers: Answers) =>
    optionKeys.every((key) => key === 'framework' || answers[key] === 'none' || !answers[key]);
  const always = optionSets.filter((set) => defaultSetIds.has(set.id) || allOff(set.answers));
  const chosen = new Set(greedyCover(optionSets, traitsOf, always));
  return optionSets.filter((set) => chosen.has(set));
})();
