import { execFileSync } from 'node:child_process';

const path = process.env['BENCH_NODE'] ?? process.execPath;
const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();

/**
 * The Node.js a benchmark runs what it measures with: BENCH_NODE=path/to/node, or the one
 * running the script. `line` is its major version, for the apps a benchmark generates
 * (`--node 26`).
 */
export const benchNode = {
  path,
  version,
  line: /^v(\d+)\./.exec(version)?.[1] ?? '',
};
