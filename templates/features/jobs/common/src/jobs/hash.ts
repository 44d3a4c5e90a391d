import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';

export interface HashJob {
  rounds: number;
}

export interface HashResult {
  rounds: number;
  digest: string;
}

// about 3 ms of work between two turns of the event loop
const roundsPerSlice = 1000;

/**
 * WORK-1: the sample job, real work: `rounds` chained SHA-256 digests, as a key derivation
 * does (about 3 µs a round). It gives the event loop a turn every few milliseconds, so that the
 * server keeps answering while it runs in-process, and a queue worker keeps renewing its locks.
 */
export async function hashJob({ rounds }: HashJob): Promise<HashResult> {
  let digest: Buffer = Buffer.from('perf-app');
  for (let round = 0; round < rounds; round += 1) {
    digest = createHash('sha256').update(digest).digest();
    if (round % roundsPerSlice === roundsPerSlice - 1) await setImmediate();
  }
  return { rounds, digest: digest.toString('hex') };
}
