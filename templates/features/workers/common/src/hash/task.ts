import { createHash } from 'node:crypto';

export interface HashTask {
  rounds: number;
}

/**
 * WORK-2: CPU-heavy work, run in a thread of the worker pool and never on the event loop:
 * `rounds` chained SHA-256 digests, as a key derivation does (about 3 µs a round).
 */
export default function hashRounds({ rounds }: HashTask): string {
  let digest: Buffer = Buffer.from('perf-app');
  for (let round = 0; round < rounds; round += 1) {
    digest = createHash('sha256').update(digest).digest();
  }
  return digest.toString('hex');
}
