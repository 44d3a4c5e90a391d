import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** the middle value, or the mean of the two middle values; the figure every bench prints */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? Number(sorted[middle])
    : (Number(sorted[middle - 1]) + Number(sorted[middle])) / 2;
}

let ticks: number | undefined;
/** clock ticks per second, the unit of /proc/PID/stat's CPU times: asked once, when first needed */
const ticksPerSecond = () =>
  (ticks ??= Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100));

/** user + system CPU time a process has used so far, in seconds (Linux /proc) */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name, which is in parentheses and may hold spaces
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** a process's resident memory now, in bytes (Linux /proc) */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
}
