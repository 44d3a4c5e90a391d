import send from '@fastify/send';
import { realpath } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { checkFileName, realFileInside } from './safe-name.js';

export type ContentCoding = 'br' | 'gzip';

/** what a file route sends: status, headers, and the bytes as a stream from disk (or none) */
export interface FileReply {
  status: number;
  headers: Record<string, string>;
  /** STREAM-1: read from disk as the client takes it, never whole; absent for HEAD and 304 */
  body: Readable | string | undefined;
}

export interface FileStoreOptions {
  /** the folder served; only files directly inside it (or linked from it to inside it) */
  root: string;
  /** Cache-Control of a file */
  cacheControl: string;
  /** HTTP-4: Cache-Control of a file whose name carries a content hash */
  hashedCacheControl?: string;
  /** HTTP-4: precompressed siblings to look for (`app.css.br`, `app.css.gz`), and the choice */
  siblings?: {
    codings: readonly ContentCoding[];
    choose(acceptEncoding: string | undefined, offered: ContentCoding[]): ContentCoding | undefined;
  };
  /** STREAM-5: the internal nginx location that sends a file once the app has allowed it */
  accelPrefix?: string;
  /**
   * The app's own files (built assets): sent inline whatever their type. Otherwise a file a
   * browser would run or render as a page (HTML, SVG, XML, scripts) is sent as an attachment,
   * so a file dropped into the folder never runs as a page of the app's origin.
   */
  trusted?: boolean;
  /**
   * HTTP-5: whether the app compresses answers of this type per request. Their 200 varies on
   * Accept-Encoding, so their 304 and HEAD must say so too (RFC 9110 §15.4.5).
   */
  compressible?: (contentType: string) => boolean;
}

const siblingSuffix: Record<ContentCoding, string> = { br: '.br', gzip: '.gz' };

// HTTP-4: `app.3f2a1b9c.css`, `index-BtHcEIwW.js`: 8 or more letters and digits before the
// extension, with a digit or a capital among them, so `bootstrap-datepicker.js` is not hashed
const hashedName = /[.-](?=\w*[\dA-Z])\w{8,}\.\w+$/;

// the body of an error: JSON like every other error of the app
function failure(status: number, error: string, headers: Record<string, string> = {}): FileReply {
  const body = JSON.stringify({ error });
  return {
    status,
    headers: {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
    },
    body,
  };
}

const errors: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'No such file',
  412: 'Precondition Failed',
  416: 'Range Not Satisfiable',
};

// a relative file-system path as a URL path, each segment encoded
const urlPath = (path: string) => `/${path.split(sep).map(encodeURIComponent).join('/')}`;

// what a browser may show inline: media, plain text and data. Everything else (HTML, SVG,
// XML, JavaScript, PDF, unknown types) could run script as a page of the app's origin
const passiveType =
  /^(?:image\/(?!svg)|video\/|audio\/|font\/|text\/(?:plain|csv|css)|application\/(?:json|x-ndjson|octet-stream|zip|gzip)\b)/i;

// RFC 6266 and RFC 8187: the name percent-encoded as UTF-8, so no quote or byte can break out
// (encodeURIComponent leaves four characters that this syntax does not allow)
function attachment(name: string): string {
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename*=UTF-8''${encoded}`;
}

// a list of byte ranges as RFC 9110 §14.1.1 spells it: @fastify/send skips a part it cannot
// read and serves the rest, where a malformed Range is answered 416
const byteRanges = /^ *bytes=[ \t]*(?:\d+-\d*|-\d+)(?:[ \t]*,[ \t]*(?:\d+-\d*|-\d+))*[ \t]*$/;

/**
 * What @fastify/send is shown of the request: Range and If-Range read as RFC 9110 reads them.
 * If-Range with an entity tag needs a strong match (§13.1.5), and the ETag of a file is weak
 * (size and mtime, from @fastify/send), so it never matches: the range is dropped and the
 * whole file sent. send would take any tag that contains the ETag, `W/` form included.
 */
function rangeView(request: IncomingMessage): { request: IncomingMessage; malformed: boolean } {
  const { range, 'if-range': ifRange } = request.headers;
  if (range === undefined || !/^ *bytes=/.test(range)) return { request, malformed: false };
  const ignored = ifRange !== undefined && ifRange.includes('"');
  const malformed = !ignored && !byteRanges.test(range);
  if (!ignored && !malformed) return { request, malformed };
  // send answers the whole file (or 304, 412); a malformed range turns that into 416
  const headers = { ...request.headers };
  delete headers.range;
  return { request: Object.create(request, { headers: { value: headers } }), malformed };
}

function contentType(name: string): string {
  const type = send.mime.getType(name) ?? 'application/octet-stream';
  return send.isUtf8MimeType(type) ? `${type}; charset=utf-8` : type;
}

/**
 * Files of one folder over HTTP, framework-neutral. Ranges, validators and conditional
 * requests come from @fastify/send (STREAM-2, STREAM-3); what this adds is the name check and
 * the symlink check (STREAM-6), precompressed siblings (HTTP-4), and the hand-over to nginx
 * (STREAM-5).
 *
 * Several ranges in one request: overlapping or adjacent ones are merged; if one range is
 * left it is a 206, otherwise the whole file is sent once with 200 (RFC 9110 §14.2 lets a
 * server ignore Range). No multipart answer, so no request makes the server send more bytes
 * than the file has, whatever ranges it lists. A malformed byte range answers 416.
 */
export class FileStore {
  #root: string | undefined;

  constructor(readonly options: FileStoreOptions) {}

  // the folder's real path, once it exists: symlinks are checked against it
  async #realRoot(): Promise<string | undefined> {
    this.#root ??= await realpath(this.options.root).catch(() => undefined);
    return this.#root;
  }

  async send(request: IncomingMessage, name: string): Promise<FileReply> {
    const check = checkFileName(name);
    if (check === 'invalid') return failure(400, 'Not a file name');
    const root = await this.#realRoot();
    const path = check === 'ok' && root ? await realFileInside(root, name) : undefined;
    if (!root || !path) return failure(404, errors[404] ?? '');
    const file = relative(root, path);
    const cacheControl =
      this.options.hashedCacheControl && hashedName.test(name)
        ? this.options.hashedCacheControl
        : this.options.cacheControl;
    const type = contentType(name);
    const disposition: Record<string, string> =
      this.options.trusted || passiveType.test(type)
        ? {}
        : { 'content-disposition': attachment(name) };

    // STREAM-5: nginx announces that it can send files itself; the app has checked the name
    // and the path, and hands over the transfer (ranges and all) to nginx's internal location
    const accel = this.options.accelPrefix;
    if (accel && request.headers['x-sendfile-type'] === 'X-Accel-Redirect') {
      return {
        status: 200,
        headers: {
          'x-accel-redirect': `${accel.replace(/\/$/, '')}${urlPath(file)}`,
          'cache-control': cacheControl,
          ...disposition,
        },
        body: undefined,
      };
    }

    const { offered, chosen } = await this.#sibling(root, file, request.headers['accept-encoding']);
    const ranged = rangeView(request);
    const result = await send(ranged.request, urlPath(chosen?.path ?? file), {
      root,
      index: false,
      cacheControl: false,
      contentType: !chosen,
    });
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(result.headers)) {
      headers[header.toLowerCase()] = String(value);
    }
    if (result.type !== 'file') {
      result.stream.destroy();
      const range = headers['content-range'];
      const status = result.statusCode;
      return failure(
        status,
        errors[status] ?? 'Internal Server Error',
        range ? { 'content-range': range } : {},
      );
    }

    const length = headers['content-length'];
    if (ranged.malformed && result.statusCode === 200 && length !== undefined) {
      result.stream.destroy();
      return failure(416, errors[416] ?? '', { 'content-range': `bytes */${length}` });
    }

    headers['cache-control'] = cacheControl;
    if (chosen) {
      headers['content-encoding'] = chosen.coding;
      headers['content-type'] = type;
    }
    Object.assign(headers, disposition);
    // HTTP-5: a file with precompressed siblings is sent in the coding the client takes, and
    // one the app compresses is too: every answer says so, 304 included
    if (offered || this.options.compressible?.(type)) headers['vary'] = 'Accept-Encoding';
    if (result.statusCode === 304 || request.method === 'HEAD') {
      result.stream.destroy();
      return { status: result.statusCode, headers, body: undefined };
    }
    return { status: result.statusCode, headers, body: result.stream };
  }

  /** HTTP-4: the precompressed sibling to send instead, if there is one the client takes */
  async #sibling(
    root: string,
    file: string,
    acceptEncoding: string | undefined,
  ): Promise<{ offered: boolean; chosen?: { coding: ContentCoding; path: string } }> {
    const siblings = this.options.siblings;
    if (!siblings) return { offered: false };
    const found = await Promise.all(
      siblings.codings.map(async (coding) => {
        const path = await realFileInside(root, file + siblingSuffix[coding]);
        return path ? { coding, path: relative(root, path) } : undefined;
      }),
    );
    const present = found.filter((entry) => entry !== undefined);
    if (present.length === 0) return { offered: false };
    const coding = siblings.choose(
      acceptEncoding,
      present.map((entry) => entry.coding),
    );
    return { offered: true, chosen: present.find((entry) => entry.coding === coding) };
  }
}
