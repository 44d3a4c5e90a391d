import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { RPCType, setRPCMetadata, suppressTracing, type RPCMetadata } from '@opentelemetry/core';
import { isProbe } from './probes.js';
import { isTracing } from './sdk.js';

/** the instrumentation scope of the requests' spans, as the project's tracing test finds them */
export const requestScope = 'http-server';

const tracer = trace.getTracer(requestScope);

// a probe's work (the readiness check's query) makes no spans either
const untraced = suppressTracing(ROOT_CONTEXT);

/**
 * OBS-2: the span of each request the server takes, made here rather than by
 * instrumentation-http, which computes a dozen attributes and binds the request and the response
 * to the context before it knows whether the trace is kept; at 1% kept that was most of what
 * tracing cost a cached hit. Here the sampler decides first (from the caller's `traceparent`, or
 * the ratio), and only a kept request pays for its attributes. The span is named as
 * instrumentation-http names it (`GET /api/items/:id` once a route is known: the framework's
 * instrumentation, or the front tier, sets it in the request's RPC metadata), with HTTP's
 * semantic-convention attributes, status ERROR on a 5xx. Health probes are not traced.
 */
export function traceRequests(listener: RequestListener): RequestListener {
  // the project's own tests run the app without the preload: nothing to trace
  return isTracing() ? spanPerRequest(listener) : listener;
}

/** `listener`, each request it takes in a span of its own (traceRequests, whose rules these are) */
export function spanPerRequest(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (isProbe(req.url)) {
      context.with(untraced, listener, undefined, req, res);
      return;
    }
    const method = methodOf(req);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(method.name, { kind: SpanKind.SERVER }, parent);
    let active = trace.setSpan(parent, span);
    if (span.isRecording()) {
      const rpc: RPCMetadata = { type: RPCType.HTTP, span };
      active = setRPCMetadata(active, rpc);
      span.setAttributes(requestAttributes(req, method));
      res.once('close', () => endRequestSpan(span, method.name, rpc, res));
    }
    // what runs once the body is read is part of the request, and makes its spans in its trace
    // (none when it is not kept), not traces of their own: the body's events come from the
    // socket, outside the request's context. The response's need no binding: they follow
    // writes made in the request's context, and run in it (binding `res` wrapped every
    // listener Node and the framework add: 6 µs of a kept Fastify cache hit)
    if (hasBody(req)) context.bind(active, req);
    try {
      context.with(active, listener, undefined, req, res);
    } catch (error) {
      // the process is going down (uncaughtException); the span ends as the response closes
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    }
  };
}

// the methods HTTP's semantic conventions name; another is `_OTHER`, its span `HTTP`
const knownMethods = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

interface Method {
  /** `http.request.method` */
  attribute: string;
  /** the span's name before its route is known */
  name: string;
}

function methodOf({ method = 'GET' }: IncomingMessage): Method {
  return knownMethods.has(method)
    ? { attribute: method, name: method }
    : { attribute: '_OTHER', name: 'HTTP' };
}

const hasBody = ({ headers }: IncomingMessage) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

// query parameters that carry credentials (signed URLs): their values are not recorded
const secretParams = ['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature'];

/** `host[:port]` or `[ipv6][:port]`, from the Host header */
const hostPattern = /^\[?([^\]]*?)\]?(?::(\d+))?$/;

function requestAttributes(req: IncomingMessage, method: Method): Attributes {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const forwardedFor = req.headers['x-forwarded-for'];
  const client = (Array.isArray(forwardedFor) ? forwardedFor[0] : forwardedFor)?.split(',')[0];
  const attributes: Attributes = {
    'http.request.method': method.attribute,
    'url.scheme': 'http',
    'url.path': queryAt === -1 ? url : url.slice(0, queryAt),
    'network.protocol.version': req.httpVersion,
    'network.peer.address': req.socket.remoteAddress,
    'network.peer.port': req.socket.remotePort,
    'client.address': client?.trim() ?? req.socket.remoteAddress,
    'user_agent.original': req.headers['user-agent'],
  };
  if (method.attribute === '_OTHER') attributes['http.request.method_original'] = req.method;
  if (queryAt !== -1) attributes['url.query'] = redacted(url.slice(queryAt + 1));
  const host = hostPattern.exec(req.headers.host ?? '');
  if (host?.[1]) attributes['server.address'] = host[1];
  if (host?.[2]) attributes['server.port'] = Number(host[2]);
  return attributes;
}

function redacted(query: string): string {
  if (!secretParams.some((name) => query.includes(name))) return query;
  const params = new URLSearchParams(query);
  for (const name of secretParams) if (params.has(name)) params.set(name, 'REDACTED');
  return params.toString();
}

function endRequestSpan(span: Span, name: string, rpc: RPCMetadata, res: ServerResponse): void {
  // a response cut off before its head was sent has no status to tell
  if (res.headersSent) {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) {
      span.setAttribute('error.type', String(res.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  if (rpc.route !== undefined) {
    span.setAttribute('http.route', rpc.route);
    span.updateName(`${name} ${rpc.route}`);
  }
  span.end();
}
