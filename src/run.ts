// argv → command → exit code. The one place where errors become messages.

import pc from 'picocolors';
import { parseCommand } from './args.js';
import { CliError, exitCodes } from './errors.js';
import { generator } from './paths.js';

// each command is imported when it runs: the built CLI then loads only what that one needs
async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  switch (command.kind) {
    case 'help': {
      const { helpText } = await import('./help.js');
      console.log(helpText());
      return exitCodes.ok;
    }
    case 'version':
      console.log(generator.version);
      return exitCodes.ok;
    case 'create': {
      const { create } = await import('./create.js');
      await create(command.request);
      return exitCodes.ok;
    }
    case 'check': {
      const { runCheck } = await import('./check-command.js');
      return runCheck(command.request);
    }
    case 'regenerate': {
      const { regenerate } = await import('./regenerate/command.js');
      return regenerate(command.request);
    }
  }
}

/**
 * With --json, stdout is for a program to read whatever happens: an error is one object there,
 * `{"error", "hint"?, "exitCode"}`, never lines on stderr. Read from argv as typed, since the
 * error may be that argv does not parse.
 */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function report(error: CliError, json: boolean): void {
  if (json) {
    console.log(
      JSON.stringify({ error: error.message, hint: error.hint, exitCode: error.exitCode }, null, 2),
    );
    return;
  }
  console.error(`${pc.red('✖')} ${error.message}`);
  if (error.hint) console.error(error.hint);
}

const argv = process.argv.slice(2);
try {
  process.exitCode = await main(argv);
} catch (error) {
  const json = wantsJson(argv);
  if (error instanceof CliError) {
    report(error, json);
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    report(
      new CliError(
        `create-perf-app failed unexpectedly: ${message}`,
        exitCodes.failure,
        'Please report this, with the command you ran and what it printed.',
      ),
      json,
    );
    // the stack is for the report; on stderr, so that stdout stays one JSON object
    console.error(error);
    process.exitCode = exitCodes.failure;
  }
}
