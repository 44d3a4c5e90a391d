import type { RedisStore } from '../perf/cache/redis-store.js';
import { ItemsUnavailableError, type ItemRows } from './source.js';

// the row and Redis's clock, read in one step: the clock bounds when the write may land
const readScript = `
local now = redis.call('TIME')
return { redis.call('HGET', KEYS[1], ARGV[1]) or '', now[1] * 1000 + math.floor(now[2] / 1000) }`;

// stores the row only if nobody changed it since it was read, and only before the deadline:
// a write that reaches a Redis that was paused past our timeout is refused, not applied late
// (TIME before a write in a script needs Redis 5 or later, which replicates effects)
const writeScript = `
local now = redis.call('TIME')
if now[1] * 1000 + math.floor(now[2] / 1000) > tonumber(ARGV[4]) then return -1 end
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

const tooLate = -1;
const stored = 1;
const attempts = 3;

/**
 * The sample's edited items, in a Redis hash, so that every instance sees a PUT. While Redis is
 * away they are unknown, and reads and writes reject: serving the sample's defaults instead would
 * answer an edited item with its original, as if the edit had never happened.
 * Commands go through the cache's breaker: it is the same Redis.
 */
export function redisRows(store: RedisStore, key: string, commandTimeoutMs: number): ItemRows {
  const { redis } = store;
  // the write must land while we still wait for its answer, so that a timeout on our side means
  // it was not applied; half the timeout leaves the other half for the answer's way back
  const windowMs = Math.floor(commandTimeoutMs / 2);
  const call = <T>(command: () => Promise<T>) =>
    store.run(command).catch((error: unknown) => {
      throw new ItemsUnavailableError({ cause: error });
    });

  return {
    async get(id) {
      return (await call(() => redis.hget(key, String(id)))) ?? undefined;
    },

    // CACHE-8: the write is applied and answered, or not applied at all
    async update(id, change) {
      for (let attempt = 0; attempt < attempts; attempt++) {
        // two commands, each with its own timeout: the write's starts when it is sent, after
        // the clock that fences it was read
        const [row, now] = (await call(() => redis.eval(readScript, 1, key, String(id)))) as [
          string,
          number,
        ];
        const next = change(row || undefined);
        const done = await call(() =>
          redis.eval(writeScript, 1, key, id, row, next, now + windowMs),
        );
        if (done === stored) return next;
        if (done === tooLate) {
          throw new ItemsUnavailableError({ cause: new Error('Redis answered too late') });
        }
        // another instance changed the row since we read it: apply the change to theirs
      }
      throw new ItemsUnavailableError({ cause: new Error(`the row kept changing`) });
    },
  };
}
