// a collector's OTLP/HTTP receiver on loopback for the end-to-end suite: the built apps export
// their spans to it as they would to a real collector (tracing.test.ts, topology.test.ts).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';

/** a span as the tests read it, flattened from OTLP/HTTP JSON */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** the instrumentation (or tracer) that made it */
  scope: string;
  attributes: Record<string, unknown>;
  /** the attributes of the process that sent it: service.name, service.instance.id, ... */
  resource: Record<string, unknown>;
}

type OtlpValue = Record<string, unknown>;
type OtlpAttributes = { key: string; value: OtlpValue }[];
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: (Omit<Span, 'scope' | 'attributes' | 'resource'> & {
        attributes?: OtlpAttributes;
      })[];
    }[];
  }[];
}

// an attribute's value is an object with one key naming its type: { stringValue: 'x' }
const flatten = (attributes: OtlpAttributes = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, Object.values(value)[0]]));

/** the path of an incoming request's span, without its query */
export const pathOf = (span: Span): string =>
  String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').split('?')[0] ?? '';

/** the query of an incoming request's span, without the `?` */
export function queryOf(span: Span): string {
  const query = span.attributes['url.query'];
  if (query !== undefined) return String(query);
  return String(span.attributes['http.target'] ?? '').split('?')[1] ?? '';
}

/** spans of requests the process received, as the HTTP instrumentation records them */
export const isIncoming = (span: Span): boolean =>
  span.scope === '@opentelemetry/instrumentation-http';

/**
 * A receiver on a free loopback port that keeps every span it is sent (`/v1/traces`); any other
 * path answers `{"ok":true}`, so it also serves as a JSON upstream.
 */
export async function otlpReceiver() {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as OtlpExport;
        for (const { resource, scopeSpans = [] } of body.resourceSpans ?? []) {
          const sender = flatten(resource?.attributes);
          for (const { scope, spans: batch = [] } of scopeSpans) {
            for (const { attributes, ...span } of batch) {
              spans.push({
                ...span,
                scope: scope?.name ?? '',
                attributes: flatten(attributes),
                resource: sender,
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const incoming = (path: string) =>
    spans.filter((span) => isIncoming(span) && pathOf(span) === path);
  return {
    url,
    spans,
    /** the spans of the trace of the (one) incoming request to `path` */
    traceOf(path: string): Span[] {
      const requests = incoming(path);
      expect(requests, `incoming requests to ${path}`).toHaveLength(1);
      return spans.filter((span) => span.traceId === requests[0]?.traceId);
    },
    /** the spans of every incoming request to `path` */
    incoming,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type OtlpReceiver = Awaited<ReturnType<typeof otlpReceiver>>;
