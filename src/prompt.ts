// questions, asked with `prompts` only when stdin and the stream they are drawn on are a terminal
// (and imported only then: a run with every answer given never loads it)

import type { PromptObject } from 'prompts';
import { InterruptedError, UsageError } from './errors.js';
import {
  cliDefault,
  describeValue,
  optionKeys,
  specOf,
  type Answers,
  type OptionKey,
} from './options.js';

/**
 * Where questions are drawn: stdout, or stderr under --json, whose stdout is for a program to
 * read (one JSON object) while the person at the terminal still answers on stderr.
 */
export type QuestionStream = NodeJS.WriteStream;

export const questionStream = (json: boolean): QuestionStream =>
  json ? process.stderr : process.stdout;

export const isInteractive = (output: QuestionStream = process.stdout): boolean =>
  Boolean(process.stdin.isTTY && output.isTTY);

const onCancel = () => {
  throw new InterruptedError();
};

async function prompt(question: PromptObject, output: QuestionStream) {
  const { default: prompts } = await import('prompts');
  return prompts({ ...question, stdout: output }, { onCancel });
}

/**
 * Asks until the answer is a directory the project can go in: `problemWith` says what is wrong
 * with one (a name npm refuses, a folder that has files), shown under the question.
 */
export async function askProjectDir(
  initial: string,
  problemWith: (dir: string) => Promise<string | undefined>,
  output: QuestionStream = process.stdout,
): Promise<string> {
  const { dir } = await prompt(
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
    output,
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
export async function completeAnswers(
  given: Partial<Answers>,
  yes: boolean,
  output: QuestionStream = process.stdout,
): Promise<Answers> {
  const missing = optionKeys.filter((key) => given[key] === undefined);
  const answers: Record<string, unknown> = { ...given };
  if (yes) {
    for (const key of missing) answers[key] = cliDefault(key);
    return answers as Answers;
  }
  if (missing.length > 0 && !isInteractive(output)) {
    throw new UsageError(
      `No terminal to ask on, and ${missing.length === 1 ? 'this option was' : 'these options were'} not given: ${missing.map(flagHint).join(', ')}`,
      'Pass them as flags, or --yes to take the defaults.',
    );
  }
  for (const key of missing) answers[key] = await ask(key, output);
  return answers as Answers;
}

function flagHint(key: OptionKey): string {
  const spec = specOf(key);
  return spec.kind === 'choice'
    ? `--${spec.flag} ${spec.choices.map((c) => c.value).join('|')}`
    : `--${spec.flag} / --no-${spec.flag}`;
}

async function ask(key: OptionKey, output: QuestionStream): Promise<unknown> {
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
  const result: Record<string, unknown> = await prompt(question, output);
  if (result[key] === undefined) throw new UsageError(`No answer for ${describeValue(key, '')}`);
  return result[key];
}
