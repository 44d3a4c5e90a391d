import { commandWords, packageManagers } from './args.js';
import { cliDefault, optionKeys, specOf } from './options.js';
import { generator } from './paths.js';

export function helpText(): string {
  const projectOptions = optionKeys.map((key) => {
    const spec = specOf(key);
    if (spec.kind === 'toggle') {
      return row(
        `--${spec.flag}, --no-${spec.flag}`,
        `${spec.message} (default: ${spec.default ? 'on' : 'off'})`,
      );
    }
    const choices = spec.choices.map((c) => row(`    ${c.value}`, c.hint));
    const byRuntime = spec.runtimeDefault ? ', the line running this' : '';
    const head = row(
      `--${spec.flag} <${spec.flag}>`,
      `${spec.message} (default: ${String(cliDefault(key))}${byRuntime})`,
    );
    return [head, ...choices].join('\n');
  });
  return `${generator.name} ${generator.version}: a TypeScript HTTP server that is fast from its first commit

Usage:
  npm create perf-app@latest [dir] -- [flags]
  npx create-perf-app [dir] [flags]
  npx create-perf-app add|remove|update|route|check [...] [--cwd DIR]

In a project it made (your edits are merged, never lost):
${row('add <option flags>', 'set those options, as create takes them: add --tracing otlp')}
${row('remove <option> ...', 'take options back to off: remove tracing http-client')}
${row('update', "render the project's answers with this version")}
${row('route NAME', 'a route of yours in src/routes/NAME.ts, registered, with its test')}
${row('  --method M', 'GET (default), POST, PUT or DELETE')}
${row('  --cached', 'answered through the cache: X-Cache MISS, then HIT (GET)')}
${row('check', 'exit 0 when the project is what its answers render (edits aside),')}
${row('', '1 with the reason when a conflict or an update is pending (for CI)')}
${row('  --dry-run, --json', 'show the diff or the plan; write nothing')}
${row('  --no-install', 'do not install when package.json changes')}
${row('  --allow-dirty', 'run over uncommitted changes in git')}

Project options (asked on a terminal when not given):
${projectOptions.join('\n')}

Run options:
${[
  row('-y, --yes', 'take the default for every option not given'),
  row(`--pm ${packageManagers.join('|')}`, 'package manager (default: the one that ran this)'),
  row('--no-install', 'do not install dependencies'),
  row('--no-git', 'do not create a git repository'),
  row('--dry-run', 'list the files that would be written; write nothing'),
  row('--json', 'print the plan, or an error, as JSON; write nothing'),
  row('--force', 'write into a directory that has files (never replaces one)'),
  row('-h, --help', 'show this help'),
  row('-v, --version', 'show the version'),
].join('\n')}

Examples:
  npx create-perf-app my-api --yes
  npx create-perf-app my-api --framework hono --no-git

A directory named like a command word (${commandWords.join(', ')}) is written as a path:
  npx create-perf-app ./${commandWords[0]} --yes
`;
}

function row(flags: string, text: string): string {
  return `  ${flags.padEnd(32)}${text}`;
}
