// the option sets the end-to-end suite generates, installs, checks, boots and probes: every
// pair of option values appears in at least one set (all-pairs), plus the defaults, all-off
// and all-on for each framework. It reads the option model, so a new option is covered at once.

import { defaultAnswers, frameworks, type Answers } from '../../src/options.js';
import { coveringSets, shortId } from '../helpers/answers.js';

export interface OptionSet {
  /** short and unique; the app's directory is `e2e-<id>` */
  id: string;
  answers: Answers;
}

/** every pair of option values, plus the defaults, all-off and all-on of each framework */
export const optionSets: OptionSet[] = coveringSets().map(({ answers }) => ({
  id: shortId(answers),
  answers,
}));

/** the defaults of each framework */
export const defaultSetIds = new Set(
  frameworks.map((framework) => shortId({ ...defaultAnswers(), framework })),
);
