import { channel } from 'node:diagnostics_channel';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { sentHeader } from '../sent-header.js';
import type { Cache } from './cache.js';
import { answer, type CachedResponse, type ResponseEncoder } from './http.js';

/**
 * OBS-2: a request answered here never reaches the framework or its instrumentation, so the
 * route it matched (`{ route: '/api/items/:id' }`) is published on this channel, synchronously,
 * in the request's own context: tracing subscribes to name the request's span after it. With
 * no subscriber, publishing is one property read.
 */
export const frontAnswers = channel('perf-app:front-cache:answer');

/** what declares routes to the front tier: the sample's `ItemService.serveFrom` */
export interface FrontRoutes {
  serveFrom(front: FrontCache): void;
}

/**
 * CACHE-15: the front tier of `cache`, answering the routes `routes` declares; undefined when
 * the cache has no in-process tier (a cache in Redis only), whose hits go through the framework.
 */
export function createFrontCache(cache: Cache, routes: FrontRoutes): FrontCache | undefined {
  if (!cache.store.local) return undefined;
  const front = new FrontCache(cache);
  routes.serveFrom(front);
  return front;
}

/** what a route's key reads of a request: its path parameters, declared query and headers */
export interface FrontRequest {
  params: readonly string[];
  query: Readonly<Record<string, string | undefined>>;
  headers: IncomingHttpHeaders;
}

export interface FrontRoute {
  /** like `/api/items/:id`: static segments and `:name` parameters, matched exactly */
  path: string;
  /** the query parameters the key reads; any other one is ignored, never a new entry */
  query?: readonly string[];
  /** the request headers the key reads; `authorization` or `cookie` here lets them through */
  headers?: readonly string[];
  /**
   * The cache key of the entry that answers this request; null when no entry does (an id out
   * of range: the route answers it), undefined while the key is not known yet (a namespace's
   * version being read after a bump).
   */
  key(request: FrontRequest): string | null | undefined;
}

interface CompiledRoute extends FrontRoute {
  segments: readonly (string | null)[];
  /** the static start of the path, up to its first parameter: most paths fail on it at once */
  prefix: string;
  query: readonly string[];
  readsCredentials: boolean;
}

// path parameters and query values the front tier reads: unreserved characters only, so a
// percent-encoded or otherwise unusual spelling is always left to the framework's own parser
const plain = /^[\w.~-]+$/;

/**
 * CACHE-15: a response cache in front of the framework, like nginx's proxy_cache in the
 * process. A route declares its key; a request for an entry that is in the in-process tier,
 * fresh, and was seen answered by the route as a shared cache may store it, is answered here
 * with one key computation, one map lookup and one `writeHead`/`end` whose headers were built
 * at fill time: it never enters the framework. Everything else goes to the framework.
 *
 * There is no second copy to keep in step: entries are the cache's own in-process records, so
 * they share its bounds (entries and bytes), and every invalidation (a PUT, a version bump, a
 * tiered pub/sub message) is seen at once.
 */
export class FrontCache {
  readonly #static = new Map<string, CompiledRoute>();
  readonly #dynamic: CompiledRoute[] = [];
  /** responses the route was seen answering with no per-user headers: safe to replay */
  readonly #admitted = new WeakSet<CachedResponse>();
  /** keys whose stale entry one request is refreshing through the framework (CACHE-13) */
  readonly #refreshing = new Set<string>();
  #served = 0;

  #encoder: ResponseEncoder | undefined;

  constructor(readonly cache: Cache) {}

  /** COMP-4: hits are sent in the stored coding the client prefers */
  useEncoder(encoder: ResponseEncoder): void {
    this.#encoder = encoder;
  }

  /** how many requests were answered here, without the framework */
  get served(): number {
    return this.#served;
  }

  route(route: FrontRoute): void {
    const segments = route.path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? null : segment));
    const headers = route.headers ?? [];
    const compiled: CompiledRoute = {
      ...route,
      segments,
      prefix: route.path.slice(0, Math.max(0, route.path.indexOf('/:') + 1)),
      query: route.query ?? [],
      readsCredentials: headers.includes('authorization') || headers.includes('cookie'),
    };
    if (segments.includes(null)) this.#dynamic.push(compiled);
    else this.#static.set(route.path, compiled);
  }

  /** answers the request and returns true, or returns false to hand it to the framework */
  readonly serve = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const { headers } = req;
    // a request with a body is the framework's to read
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) {
      return false;
    }
    const url = req.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const matched = this.#match(path);
    if (!matched) return false;
    const [route, params] = matched;
    // credentials make an answer personal unless the key reads them (RFC 9111 §3.5)
    if (
      !route.readsCredentials &&
      (headers.authorization !== undefined || headers.cookie !== undefined)
    ) {
      return false;
    }
    const query = readQuery(mark === -1 ? '' : url.slice(mark + 1), route.query);
    if (!query) return false;
    const request = { params, query, headers };
    const key = route.key(request);
    if (key === null) return false;
    // no key yet (the namespace's version is being read): judged by the key once answered
    if (key === undefined) return this.#pass(() => route.key(request) ?? undefined, res);

    const record = this.cache.peek(key);
    if (!record) return this.#pass(key, res);
    const response = record.value as CachedResponse;
    if (!this.#admitted.has(response)) return this.#pass(key, res);
    const now = Date.now();
    let outcome: 'HIT' | 'STALE' = 'HIT';
    if (now >= record.freshUntil) {
      // CACHE-13: the store keeps an entry for its TTL and grace period; within the grace
      // period one request refreshes it through the framework, the others get it stale
      if (!this.#isRefreshing(key)) return this.#pass(key, res, true);
      outcome = 'STALE';
    }
    const { status, headers: head, body } = answer(response, outcome, headers, this.#encoder);
    this.#served += 1;
    if (frontAnswers.hasSubscribers) frontAnswers.publish({ route: route.path });
    res.writeHead(status, head);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };

  #isRefreshing(key: string): boolean {
    return this.#refreshing.has(key) || this.cache.isLoading(key);
  }

  #match(path: string): [CompiledRoute, string[]] | undefined {
    const fixed = this.#static.get(path);
    if (fixed) return [fixed, []];
    let parts: string[] | undefined;
    for (const route of this.#dynamic) {
      if (!path.startsWith(route.prefix)) continue;
      parts ??= path.split('/');
      if (route.segments.length !== parts.length) continue;
      const params: string[] = [];
      let matches = true;
      for (let i = 0; i < parts.length && matches; i++) {
        const wanted = route.segments[i];
        const part = parts[i] ?? '';
        if (wanted === null) {
          if (plain.test(part)) params.push(part);
          else matches = false;
        } else if (wanted !== part) matches = false;
      }
      if (matches) return [route, params];
    }
    return undefined;
  }

  /**
   * The framework answers; when its answer is the cache's entry and a shared cache may store
   * it (no Set-Cookie, not private or no-store, no `Vary: *`), later requests get it here.
   */
  #pass(key: string | (() => string | undefined), res: ServerResponse, refresh = false): false {
    if (refresh && typeof key === 'string') this.#refreshing.add(key);
    res.once('finish', () => {
      const answered = typeof key === 'string' ? key : key();
      if (answered === undefined) return;
      if (refresh) this.#refreshing.delete(answered);
      const record = this.cache.peek(answered);
      if (!record) return;
      const response = record.value as CachedResponse;
      if (storable(res, response)) this.#admitted.add(response);
    });
    return false;
  }
}

/** RFC 9111 §3: what a shared cache may store, judged on what the route actually sent */
function storable(res: ServerResponse, response: CachedResponse): boolean {
  if (res.statusCode !== 200 && res.statusCode !== 304) return false;
  if (sentHeader(res, 'set-cookie') !== undefined) return false;
  const etag = sentHeader(res, 'etag') ?? '';
  // the answer must be this entry (in any of its codings), not something the route made itself
  if (etag !== response.etag && !etag.startsWith(`${response.etag.slice(0, -1)}-`)) return false;
  if (/(?:^|,)\s*(?:private|no-store)\b/i.test(sentHeader(res, 'cache-control') ?? ''))
    return false;
  return !/(?:^|,)\s*\*\s*(?:,|$)/.test(sentHeader(res, 'vary') ?? '');
}

/**
 * The declared parameters of a query string; undefined (let the framework parse it) when one
 * of them is repeated or is not plain, since frameworks disagree on what those mean.
 */
function readQuery(
  search: string,
  names: readonly string[],
): Record<string, string | undefined> | undefined {
  const query: Record<string, string | undefined> = {};
  if (search === '' || names.length === 0) return query;
  // by index rather than split('&'): a hit makes no array
  let start = 0;
  while (start < search.length) {
    let end = search.indexOf('&', start);
    if (end === -1) end = search.length;
    let equals = search.indexOf('=', start);
    if (equals === -1 || equals > end) equals = end;
    const name = search.slice(start, equals);
    start = end + 1;
    if (!names.includes(name)) continue;
    const value = search.slice(Math.min(equals + 1, end), end);
    if (query[name] !== undefined || !plain.test(value)) return undefined;
    query[name] = value;
  }
  return query;
}
