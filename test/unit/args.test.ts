import { describe, expect, it } from 'vitest';
import { commandWords, packageManagers, parseCommand, type CreateRequest } from '../../src/args.js';
import { UsageError } from '../../src/errors.js';
import { frameworks, optionKeys, specOf } from '../../src/options.js';

function request(argv: string[]): CreateRequest {
  const command = parseCommand(argv);
  if (command.kind !== 'create') throw new Error(`expected a create command, got ${command.kind}`);
  return command.request;
}

/** the UsageError parseCommand throws for argv; fails the test when it throws nothing or another error */
function usageError(argv: string[]): UsageError {
  try {
    parseCommand(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parseCommand(${JSON.stringify(argv)}) did not throw`);
}

describe('parseCommand', () => {
  it('reads a bare directory with every run default: ask, install, git, write', () => {
    expect(request(['my-api'])).toEqual({
      dir: 'my-api',
      given: {},
      yes: false,
      pm: undefined,
      install: true,
      git: true,
      dryRun: false,
      json: false,
      force: false,
    });
  });

  it('leaves the directory undefined when none is given, so it can be asked', () => {
    expect(request(['--yes']).dir).toBeUndefined();
  });

  it('reads every run flag', () => {
    expect(
      request(['api', '-y', '--pm', 'pnpm', '--no-install', '--no-git', '--dry-run', '--force']),
    ).toEqual({
      dir: 'api',
      given: {},
      yes: true,
      pm: 'pnpm',
      install: false,
      git: false,
      dryRun: true,
      json: false,
      force: true,
    });
  });

  it('accepts every package manager', () => {
    for (const pm of packageManagers) expect(request(['api', '--pm', pm]).pm).toBe(pm);
  });

  it('accepts every value of every choice option, also as --flag=value', () => {
    for (const key of optionKeys) {
      const spec = specOf(key);
      if (spec.kind !== 'choice') continue;
      for (const { value } of spec.choices) {
        expect(request(['api', `--${spec.flag}`, value]).given).toEqual({ [key]: value });
        expect(request(['api', `--${spec.flag}=${value}`]).given).toEqual({ [key]: value });
      }
    }
  });

  it('rejects an unknown flag with a UsageError that names it and points to --help', () => {
    const error = usageError(['my-api', '--frob']);
    expect(error.message).toBe('Unknown flag: --frob');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain('--help');
  });

  it('reads a command word as the command, and takes it written as a path as a folder', () => {
    const argv: Record<(typeof commandWords)[number], string[]> = {
      add: ['--workers'],
      remove: ['workers'],
      update: [],
      route: ['orders'],
      check: [],
    };
    for (const word of commandWords) {
      expect(['check', 'regenerate'], word).toContain(parseCommand([word, ...argv[word]]).kind);
      expect(request([`./${word}`, '--yes']).dir).toBe(`./${word}`);
    }
    // only the word itself: a name that starts with one is a name
    expect(request(['address-book']).dir).toBe('address-book');
  });

  it('parses check, with --cwd and --json only', () => {
    expect(parseCommand(['check'])).toEqual({ kind: 'check', request: { cwd: '.', json: false } });
    expect(parseCommand(['check', '--cwd', 'api', '--json'])).toEqual({
      kind: 'check',
      request: { cwd: 'api', json: true },
    });
    expect(usageError(['check', '--tracing', 'otlp']).message).toBe(
      'check takes --cwd DIR and --json, not --tracing.',
    );
    const folder = usageError(['check', 'api']);
    expect(folder.message).toContain('check takes no folder but --cwd');
    expect(folder.hint).toContain('check --cwd api');
    // a new project is made in [dir], never in --cwd
    expect(usageError(['my-api', '--cwd', 'x']).message).toContain(
      '--cwd is for the commands on an existing project',
    );
  });

  it('parses add, remove and update with their flags', () => {
    const base = {
      cwd: '.',
      given: {},
      remove: [],
      dryRun: false,
      json: false,
      install: true,
      allowDirty: false,
    };
    expect(parseCommand(['add', '--tracing', 'otlp', '--no-workers', '--cwd', 'api'])).toEqual({
      kind: 'regenerate',
      request: { ...base, command: 'add', cwd: 'api', given: { workers: false, tracing: 'otlp' } },
    });
    expect(parseCommand(['remove', 'tracing', 'http-client', '--dry-run'])).toEqual({
      kind: 'regenerate',
      request: { ...base, command: 'remove', remove: ['tracing', 'httpClient'], dryRun: true },
    });
    expect(parseCommand(['update', '--json', '--no-install', '--allow-dirty'])).toEqual({
      kind: 'regenerate',
      request: {
        ...base,
        command: 'update',
        dryRun: true,
        json: true,
        install: false,
        allowDirty: true,
      },
    });
    expect(usageError(['add', '--yes', '--tracing', 'otlp']).message).toContain('not --yes');
    expect(usageError(['remove', 'tracing', '--tracing', 'otlp']).message).toContain(
      'not --tracing',
    );
    expect(usageError(['remove', 'compresion']).message).toContain('It takes: cache, db,');
    expect(usageError(['update', 'now']).message).toBe('update takes no names: got now.');
  });

  it('rejects an unknown short flag', () => {
    expect(usageError(['-x']).message).toBe('Unknown flag: -x');
  });

  it('rejects an unknown --framework value, listing the ones it takes', () => {
    expect(usageError(['api', '--framework', 'koa']).message).toBe(
      `Unknown value for --framework: "koa". Use one of: ${frameworks.join(', ')}.`,
    );
  });

  it('rejects an unknown --pm value, listing the ones it takes', () => {
    expect(usageError(['api', '--pm', 'npx']).message).toBe(
      `Unknown value for --pm: "npx". Use one of: ${packageManagers.join(', ')}.`,
    );
  });

  it('rejects a flag that needs a value and has none', () => {
    expect(usageError(['api', '--framework']).message).toBe('The flag --framework needs a value.');
    expect(usageError(['api', '--pm']).message).toBe('The flag --pm needs a value.');
  });

  it('rejects two directories', () => {
    expect(usageError(['one', 'two']).message).toBe(
      'Expected one project directory, got 2: one two',
    );
  });

  it('rejects --install with --no-install, and --git with --no-git', () => {
    expect(usageError(['api', '--install', '--no-install']).message).toBe(
      '--install and --no-install contradict each other: pick one.',
    );
    expect(usageError(['api', '--no-git', '--git']).message).toBe(
      '--git and --no-git contradict each other: pick one.',
    );
  });

  it('reads --install and --git as on', () => {
    expect(request(['api', '--install', '--git'])).toMatchObject({ install: true, git: true });
  });

  it('makes --json a dry run', () => {
    expect(request(['api', '--json'])).toMatchObject({ json: true, dryRun: true });
    expect(request(['api', '--dry-run'])).toMatchObject({ json: false, dryRun: true });
  });

  it('reads --help and -h as help, whatever else is given', () => {
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommand(['one', 'two', '--framework', 'koa', '--help'])).toEqual({ kind: 'help' });
  });

  it('reads --version and -v as version', () => {
    expect(parseCommand(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommand(['-v'])).toEqual({ kind: 'version' });
  });

  it('prefers help to version when both are given', () => {
    expect(parseCommand(['--version', '--help'])).toEqual({ kind: 'help' });
  });
});
