import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

/** a span as the tests read it, flattened from an OTLP export */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SpanKind's number: 1 internal, 2 server, 3 client */
  kind: number;
  /** 2 when the span failed (ERROR), 0 or 1 otherwise */
  statusCode: number;
  /** the instrumentation (or tracer) that made it */
  scope: string;
  attributes: Record<string, unknown>;
  /** the attributes of the process that sent it: service.name, service.instance.id, ... */
  resource: Record<string, unknown>;
}

// the part of OTLP's trace messages (opentelemetry-proto, trace/v1) the tests read: the app
// exports protobuf, and a decoder skips the fields it is not told of
const { root } = protobuf.parse(`
  syntax = "proto3";
  message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
  message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
  message Resource { repeated KeyValue attributes = 1; }
  message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
  message InstrumentationScope { string name = 1; }
  message Span {
    bytes trace_id = 1;
    bytes span_id = 2;
    bytes parent_span_id = 4;
    string name = 5;
    int32 kind = 6;
    repeated KeyValue attributes = 9;
    Status status = 15;
  }
  message Status { int32 code = 3; }
  message KeyValue { string key = 1; AnyValue value = 2; }
  message AnyValue {
    oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
  }
`);
const exportRequest = root.lookupType('ExportTraceServiceRequest');

type OtlpAttributes = { key: string; value?: Record<string, unknown> }[];
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId: Uint8Array;
        spanId: Uint8Array;
        parentSpanId?: Uint8Array;
        name: string;
        kind?: number;
        attributes?: OtlpAttributes;
        status?: { code?: number };
      }[];
    }[];
  }[];
}

// an attribute's value is an object with one key naming its type: { stringValue: 'x' }
const flatten = (attributes: OtlpAttributes = []) =>
  Object.fromEntries(attributes.map(({ key, value = {} }) => [key, Object.values(value)[0]]));

const hex = (bytes?: Uint8Array) =>
  bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : undefined;

/**
 * OBS-1: a collector's OTLP/HTTP receiver on loopback that keeps every span it is sent
 * (`/v1/traces`); any other path answers `{}`, so it also serves as a JSON upstream.
 */
export async function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const message = exportRequest.decode(Buffer.concat(chunks));
        // int64 values as strings, as OTLP's JSON encoding has them
        const body = exportRequest.toObject(message, { longs: String }) as OtlpExport;
        for (const { resource, scopeSpans = [] } of body.resourceSpans ?? []) {
          const sender = flatten(resource?.attributes);
          for (const { scope, spans: batch = [] } of scopeSpans) {
            for (const { traceId, spanId, parentSpanId, name, kind, attributes, status } of batch) {
              spans.push({
                traceId: hex(traceId) ?? '',
                spanId: hex(spanId) ?? '',
                parentSpanId: hex(parentSpanId),
                name,
                kind: kind ?? 0,
                statusCode: status?.code ?? 0,
                scope: scope?.name ?? '',
                attributes: flatten(attributes),
                resource: sender,
              });
            }
          }
        }
        // an empty ExportTraceServiceResponse: all taken
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    /** the spans of one trace */
    trace: (traceId: string) => spans.filter((span) => span.traceId === traceId),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
