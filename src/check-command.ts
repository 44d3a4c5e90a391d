// `create-perf-app check` on a terminal or in CI: the report as one line, or as JSON

import { resolve } from 'node:path';
import pc from 'picocolors';
import type { CheckRequest } from './args.js';
import { checkProject } from './check.js';
import { exitCodes } from './errors.js';

export async function runCheck(request: CheckRequest): Promise<number> {
  const report = await checkProject(resolve(request.cwd));
  if (request.json) console.log(JSON.stringify(report, null, 2));
  else if (report.status === 'current') console.log(`${pc.green('✔')} ${report.reason}`);
  else console.log(`${pc.red('✖')} ${report.reason}`);
  return report.status === 'current' ? exitCodes.ok : exitCodes.failure;
}
