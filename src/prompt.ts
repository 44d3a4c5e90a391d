// questions, asked with `prompts` only when stdin and stdout are a terminal

import prompts from 'prompts';
import { InterruptedError, UsageError } from './errors.js';
import {
  cliDefault,
  describeValue,
  optionKeys,
  specOf,
  type Answers,
  type OptionKey,
} from './options.js';

export const isInteractive = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);

const onCancel = () => {
  throw new InterruptedError();
};

/**
 * Asks until the answer is a directory the project can go in: `problemWith` says what is wrong
 * with one (a name npm refuses, a folder that has files), shown under the question.
 */
export async function askProjectDir(
  initial: string,
  problemWith: (dir: string) => Promise<string | undefined>,
): Promise<string> {
  const { dir } = await prompts(
    {
      type: 'text',
      name: 'dir',
      message: 'Project directory',
      initial,
      validate: async (value: string) => {
        const dir = value.trim();
        if (dir === '') return 'A directory is needed';
        return (await problemWith(dir)) ?? true;
      },
    },
    { onCancel },
  );
  return String(dir).trim();
}

/** a yes/no answer as typed: y, yes, n or no in any case; undefined for anything else */
export function parseYesNo(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (word === 'y' || word === 'yes') return true;
  if (word === 'n' || word === 'no') return false;
  return undefined;
}

/** fills in each answer the flags left out: asked on a terminal, a default with --yes, else an error */
export async function completeAnswers(given: Partial<Answers>, yes: boolean): Promise<Answers> {
  const missing = optionKeys.filter((key) => given[key] === undefined);
  const answers: Record<string, unknown> = { ...given };
  if (yes) {
    for (const key of missing) answers[key] = cliDefault(key);
    return answers as Answers;
  }
  if (missing.length > 0 && !isInteractive()) {
    throw new UsageError(
      `No terminal to ask on, and ${missing.length === 1 ? 'this option was' : 'these options were'} not given: ${missing.map(flagHint).join(', ')}`,
      'Pass them as flags, or --yes to take the defaults.',
    );
  }
  for (const key of missing) answers[key] = await ask(key);
  return answers as Answers;
}

function flagHint(key: OptionKey): string {
  const spec = specOf(key);
  return spec.kind === 'choice'
    ? `--${spec.flag} ${spec.choices.map((c) => c.value).join('|')}`
    : `--${spec.flag} / --no-${spec.flag}`;
}

async function ask(key: OptionKey): Promise<unknown> {
  const spec = specOf(key);
  const question =
    spec.kind === 'choice'
      ? {
          type: 'select' as const,
          name: key,
          message: spec.message,
          choices: spec.choices.map((c) => ({
            title: c.value,
            value: c.value,
            description: c.hint,
          })),
          initial: spec.choices.findIndex((c) => c.value === cliDefault(key)),
        }
      : {
          // a text answer, not prompts' toggle: the toggle ignores y and n, and its confirm
          // submits on the first key, so the rest of a typed "yes" would answer the next question
          type: 'text' as const,
          name: key,
          message: `${spec.message} (y/n)`,
          initial: spec.default ? 'yes' : 'no',
          validate: (value: string) =>
            parseYesNo(value) !== undefined || 'Answer yes or no (y or n)',
          format: (value: string) => parseYesNo(value),
        };
  const result: Record<string, unknown> = await prompts(question, { onCancel });
  if (result[key] === undefined) throw new UsageError(`No answer for ${describeValue(key, '')}`);
  return result[key];
}
