import type { Cache, Freshness, Lookup } from './cache.js';

export interface MemoizeOptions<A extends unknown[]> extends Freshness {
  /** the namespace of the keys: `prefix:namespace:vN:key` */
  namespace: string;
  /** the key for one call's arguments; JSON of the arguments by default */
  key?: (...args: A) => string;
}

/** a memoized function: call it for the value, or `lookup` it for the value and its outcome */
export interface Memoized<A extends unknown[], T> {
  (...args: A): Promise<T>;
  lookup(...args: A): Promise<Lookup<T>>;
  /** the cache key of one call, without waiting; undefined while its version is not known */
  keyNow(...args: A): string | undefined;
}

interface Internals {
  cache: Cache;
  namespace: string;
  keyOf(args: unknown[]): Promise<string>;
}

const internals = new WeakMap<object, Internals>();

/** CACHE-5: caches `fn` by its arguments, with single flight, grace and versioned keys */
export function memoize<A extends unknown[], T>(
  cache: Cache,
  fn: (...args: A) => Promise<T>,
  options: MemoizeOptions<A>,
): Memoized<A, T> {
  const { namespace, ttlMs, graceMs } = options;
  const id = options.key ?? ((...args: A) => JSON.stringify(args));
  const keyOf = (args: unknown[]) => cache.key(namespace, id(...(args as A)));

  const keyNow = (...args: A) => cache.keyNow(namespace, id(...args));

  const lookup = async (...args: A): Promise<Lookup<T>> => {
    // at once while the namespace's version is known; else it is read, on the request's wait
    let key = keyNow(...args);
    let since: number | undefined;
    if (key === undefined) {
      since = Date.now();
      try {
        key = await keyOf(args);
      } catch {
        // CACHE-14: the backend cannot say which version is current: answer without the cache
        return { value: await fn(...args), outcome: 'MISS', storedAt: Date.now() };
      }
    }
    return cache.fetch(key, () => fn(...args), { ttlMs, graceMs }, since);
  };
  const memoized = async (...args: A): Promise<T> => (await lookup(...args)).value;
  internals.set(memoized, { cache, namespace, keyOf });
  return Object.assign(memoized, { lookup, keyNow });
}

/**
 * CACHE-5: `invalidate(fn, ...args)` forgets one call's value; `invalidate(fn)` forgets every
 * value of `fn` at once, on every instance, by bumping its namespace's version (CACHE-7).
 */
export async function invalidate<A extends unknown[]>(
  fn: Memoized<A, unknown>,
  ...args: A | []
): Promise<void> {
  const memo = internals.get(fn);
  if (!memo) throw new TypeError('invalidate() takes a function made by memoize()');
  if (args.length === 0) await memo.cache.invalidateNamespace(memo.namespace);
  else await memo.cache.delete(await memo.keyOf(args));
}
