#!/usr/bin/env node
// argv → command → exit code. The one place where errors become messages.

import pc from 'picocolors';
import { parseCommand } from './args.js';
import { runCheck } from './check-command.js';
import { create } from './create.js';
import { CliError, exitCodes } from './errors.js';
import { helpText } from './help.js';
import { regenerate } from './regenerate/command.js';
import { generator } from './paths.js';

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  switch (command.kind) {
    case 'help':
      console.log(helpText());
      return exitCodes.ok;
    case 'version':
      console.log(generator.version);
      return exitCodes.ok;
    case 'create':
      await create(command.request);
      return exitCodes.ok;
    case 'check':
      return runCheck(command.request);
    case 'regenerate':
      return regenerate(command.request);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof CliError) {
    console.error(`${pc.red('✖')} ${error.message}`);
    if (error.hint) console.error(error.hint);
    process.exitCode = error.exitCode;
  } else {
    console.error(`${pc.red('✖')} create-perf-app failed unexpectedly; please report this:`);
    console.error(error);
    process.exitCode = exitCodes.failure;
  }
}
