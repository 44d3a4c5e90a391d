import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Outcome } from './cache.js';

/** HTTP-3, HTTP-5: what a cached route tells browsers and shared caches */
export interface CachePolicy {
  cacheControl: string;
  /** the request headers the cache key reads, besides the URL */
  vary?: string;
}

/** COMP-1: the content codings a response may be stored and sent in */
export type ContentCoding = 'br' | 'gzip';

/**
 * COMP-4: given by the compression setup when compression is on: which compressed forms a
 * cached response is stored with, how they are made, and how a request picks one.
 */
export interface ResponseEncoder {
  readonly codings: readonly ContentCoding[];
  /** COMP-2: bodies under this many bytes are stored and sent as they are */
  readonly minBytes: number;
  encode(body: Buffer, coding: ContentCoding): Promise<Buffer>;
  choose(acceptEncoding: string | undefined, offered: ContentCoding[]): ContentCoding | undefined;
}

/**
 * A response made once, when its entry is filled, and sent as it is on every hit: the body is
 * already serialized and its headers and validators already computed, so a hit costs no JSON,
 * no hash and no date formatting.
 */
export interface CachedResponse {
  body: Buffer;
  /** COMP-4: the body compressed in each stored coding, made once when the entry was filled */
  encoded?: Partial<Record<ContentCoding, Buffer>>;
  /** HTTP-1: a strong validator, the body's hash */
  etag: string;
  /** HTTP-2: when the response was made, in epoch ms */
  lastModified: number;
  /** validators and caching headers, for 200 and 304 alike */
  headers: Readonly<Record<string, string>>;
  /** for the memory bound */
  size: number;
}

/** what a route sends: status, headers and (unless 304) the body */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** a JSON answer made per request: errors, and writes that are never cached */
export function jsonReply(status: number, value: unknown): Reply {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: {
      'content-type': jsonType,
      'content-length': String(body.byteLength),
      'cache-control': 'no-store',
    },
    body,
  };
}

const jsonType = 'application/json; charset=utf-8';

export function jsonResponse(value: unknown, policy: CachePolicy): CachedResponse {
  const body = Buffer.from(JSON.stringify(value));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const lastModified = Date.now();
  const headers: Record<string, string> = {
    'cache-control': policy.cacheControl,
    etag,
    'last-modified': new Date(lastModified).toUTCString(),
    // set here, once per entry, for the hits the front tier answers before any framework
    'x-content-type-options': 'nosniff',
  };
  if (policy.vary) headers['vary'] = policy.vary;
  return { body, etag, lastModified, headers, size: body.byteLength + 256 };
}

/**
 * COMP-4: the response with its compressed forms, made now, once, for every hit to come: a
 * hit then sends stored bytes and compresses nothing. A form no smaller than the body is not
 * kept; a body under the threshold keeps none.
 */
export async function withEncodings(
  response: CachedResponse,
  encoder: ResponseEncoder,
): Promise<CachedResponse> {
  if (response.body.byteLength < encoder.minBytes) return response;
  const forms = await Promise.all(
    encoder.codings.map(
      async (coding) => [coding, await encoder.encode(response.body, coding)] as const,
    ),
  );
  const smaller = forms.filter(([, bytes]) => bytes.byteLength < response.body.byteLength);
  if (smaller.length === 0) return response;
  const vary = response.headers['vary'];
  return {
    ...response,
    encoded: Object.fromEntries(smaller),
    // HTTP-5: shared caches must key this response by Accept-Encoding too
    headers: { ...response.headers, vary: vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding' },
    size: response.size + smaller.reduce((sum, [, bytes]) => sum + bytes.byteLength, 0),
  };
}

/** the headers of one stored form, per status and outcome, made once per entry */
type Heads = Record<'200' | '304', Record<'HIT' | 'MISS' | 'STALE', Record<string, string>>>;

/** what a hit needs of an entry beyond its bytes, made on its first answer and kept with it */
interface Prepared {
  /** per stored form ('identity' for the plain body) */
  heads: Map<ContentCoding | 'identity', Heads>;
  /** COMP-1: the stored form per Accept-Encoding header, shared by entries with the same forms */
  choices: Map<string, ContentCoding | undefined>;
}

const prepared = new WeakMap<CachedResponse, Prepared>();

// COMP-1: the negotiation's answers per set of stored forms ('br,gzip', 'gzip', '') and then
// per Accept-Encoding header, for the few headers clients send: a hit makes no string
const choicesByOffer = new Map<string, Map<string, ContentCoding | undefined>>();

function prepare(value: CachedResponse): Prepared {
  let made = prepared.get(value);
  if (!made) {
    const offer = Object.keys(value.encoded ?? {}).join(',');
    let choices = choicesByOffer.get(offer);
    if (!choices) {
      choices = new Map();
      choicesByOffer.set(offer, choices);
    }
    made = { heads: new Map(), choices };
    prepared.set(value, made);
  }
  return made;
}

function headsOf(
  value: CachedResponse,
  { heads }: Prepared,
  coding: ContentCoding | undefined,
  body: Buffer,
): Heads {
  const form = coding ?? 'identity';
  let made = heads.get(form);
  if (!made) {
    // each coding is a representation of its own, with its own strong validator (RFC 9110 §8.8.3)
    const etag = coding ? `${value.etag.slice(0, -1)}-${coding}"` : value.etag;
    const full = {
      ...value.headers,
      etag,
      'content-type': jsonType,
      ...(coding ? { 'content-encoding': coding } : {}),
      'content-length': String(body.byteLength),
    };
    const bare = { ...value.headers, etag };
    const outcomes = <T extends Record<string, string>>(base: T) => ({
      HIT: { ...base, 'x-cache': 'HIT' },
      MISS: { ...base, 'x-cache': 'MISS' },
      STALE: { ...base, 'x-cache': 'STALE' },
    });
    made = { '200': outcomes(full), '304': outcomes(bare) };
    heads.set(form, made);
  }
  return made;
}

/**
 * HTTP-1, HTTP-2: 304 when the client's copy is current, else the stored body; COMP-4: in the
 * stored coding the client prefers, when an encoder is given and the entry has that form. The
 * header objects are made once per entry: a hit builds none.
 */
export function answer(
  value: CachedResponse,
  outcome: Outcome,
  request: IncomingHttpHeaders,
  encoder?: ResponseEncoder,
): Reply {
  const entry = prepare(value);
  const coding =
    value.encoded && encoder ? chooseStored(value, entry, request, encoder) : undefined;
  const body = (coding && value.encoded?.[coding]) ?? value.body;
  const made = headsOf(value, entry, coding, body);
  if (notModified(request, made['304'][outcome]['etag'] ?? value.etag, value.lastModified)) {
    return { status: 304, headers: made['304'][outcome], body: undefined };
  }
  return { status: 200, headers: made['200'][outcome], body };
}

function chooseStored(
  value: CachedResponse,
  { choices }: Prepared,
  request: IncomingHttpHeaders,
  encoder: ResponseEncoder,
): ContentCoding | undefined {
  const acceptEncoding = request['accept-encoding'];
  if (acceptEncoding === undefined) return undefined;
  if (choices.has(acceptEncoding)) return choices.get(acceptEncoding);
  const coding = encoder.choose(
    acceptEncoding,
    Object.keys(value.encoded ?? {}) as ContentCoding[],
  );
  // a bound, since the header is the client's to write
  if (choices.size >= 256) choices.clear();
  choices.set(acceptEncoding, coding);
  return coding;
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2) */
export function notModified(
  request: IncomingHttpHeaders,
  etag: string,
  lastModified: number,
): boolean {
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = request['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  // Last-Modified has whole seconds: compare at that precision
  return !Number.isNaN(since) && Math.floor(lastModified / 1000) * 1000 <= since;
}

/** weak comparison, as If-None-Match requires: `W/"x"` matches `"x"`; `*` matches anything */
function etagMatches(header: string, etag: string): boolean {
  // the usual case, a client sending back the one ETag it was given, allocates nothing
  if (header === etag) return true;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === etag);
}
