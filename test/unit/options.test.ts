import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/args.js';
import {
  answersToFlags,
  checkRules,
  defaultAnswers,
  describeValue,
  frameworks,
  optionKeys,
  optionSpecs,
  specOf,
} from '../../src/options.js';
import { coveringSets } from '../helpers/answers.js';

// the flags src/args.ts defines for the run itself; an option may not take one of these names
const runFlags = ['yes', 'pm', 'install', 'git', 'dry-run', 'json', 'force', 'help', 'version'];

describe('the option model', () => {
  it('defaults to fastify', () => {
    expect(defaultAnswers().framework).toBe('fastify');
  });

  it('has a default for every option, and each default is one of its choices', () => {
    const answers = defaultAnswers();
    expect(Object.keys(answers).sort()).toEqual([...optionKeys].sort());
    for (const key of optionKeys) {
      const spec = specOf(key);
      expect(answers[key], key).toBe(spec.default);
      if (spec.kind === 'choice') expect(spec.choices.map((c) => c.value)).toContain(spec.default);
      else expect(typeof spec.default).toBe('boolean');
    }
  });

  it('gives each choice a distinct value and a hint', () => {
    for (const key of optionKeys) {
      const spec = specOf(key);
      if (spec.kind !== 'choice') continue;
      const values = spec.choices.map((c) => c.value);
      expect(new Set(values).size, key).toBe(values.length);
      for (const choice of spec.choices)
        expect(choice.hint.trim(), `${key}=${choice.value}`).not.toBe('');
    }
  });

  it('lists the frameworks in the order they are offered', () => {
    expect(frameworks).toEqual(optionSpecs.framework.choices.map((c) => c.value));
    expect(frameworks).toEqual(['fastify', 'express', 'hono']);
  });

  it('gives every option its own flag, none of them a run flag or a --no- form of one', () => {
    const flags = optionKeys.map((key) => specOf(key).flag);
    expect(new Set(flags).size).toBe(flags.length);
    for (const flag of flags) {
      expect(runFlags).not.toContain(flag);
      expect(runFlags.map((f) => `no-${f}`)).not.toContain(flag);
      expect(flag).toMatch(/^[a-z][a-z0-9-]*$/);
    }
  });

  it('breaks no rule with the defaults', () => {
    expect(checkRules(defaultAnswers())).toEqual([]);
  });
});

describe('answersToFlags', () => {
  it('gives argv: each option as its flag and value, in option-model order', () => {
    const answers = defaultAnswers();
    expect(answersToFlags(answers)).toEqual(
      optionKeys.flatMap((key) => describeValue(key, answers[key]).split(' ')),
    );
    expect(answersToFlags({ ...answers, framework: 'hono' }).slice(0, 2)).toEqual([
      '--framework',
      'hono',
    ]);
  });

  it.each(coveringSets())('round-trips $id through parseCommand', ({ answers }) => {
    const command = parseCommand(['my-api', ...answersToFlags(answers)]);
    if (command.kind !== 'create') throw new Error(`parsed as ${command.kind}`);
    expect(command.request.given).toEqual(answers);
    expect(command.request.dir).toBe('my-api');
  });

  // the flags are also printed as a command to type again, so a value cannot hold a space
  it('round-trips the defaults through the printed command, split as a shell would', () => {
    const printed = answersToFlags(defaultAnswers()).join(' ');
    const command = parseCommand(['my-api', ...printed.split(/\s+/)]);
    expect(command.kind === 'create' && command.request.given).toEqual(defaultAnswers());
    for (const key of optionKeys) {
      const spec = specOf(key);
      if (spec.kind === 'choice')
        for (const { value } of spec.choices) expect(value, key).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    }
  });
});
