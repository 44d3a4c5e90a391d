// a collector's OTLP/HTTP receiver on loopback for the end-to-end suite: the built apps export
// their spans to it as they would to a real collector (tracing.test.ts, topology.test.ts).

import { expect } from 'vitest';
import {
  otlpReceiver as projectReceiver,
  type ReceivedSpan,
} from '../../templates/features/tracing/otlp/test/otlp-receiver.js';

/** a span as the tests read it: the generated project's own receiver decodes them */
export type Span = ReceivedSpan;

/** the path of an incoming request's span, without its query */
export const pathOf = (span: Span): string => String(span.attributes['url.path'] ?? '');

/** the query of an incoming request's span, without the `?` */
export const queryOf = (span: Span): string => String(span.attributes['url.query'] ?? '');

/** spans of requests the process received, as its server records them (`requestScope`) */
export const isIncoming = (span: Span): boolean => span.scope === 'http-server';

/**
 * The receiver a project with `--tracing otlp` tests itself with (its test/otlp-receiver.ts), on a
 * free loopback port, with what the end-to-end tests ask of the spans it kept.
 */
export async function otlpReceiver() {
  const receiver = await projectReceiver();
  const { spans } = receiver;
  const incoming = (path: string) =>
    spans.filter((span) => isIncoming(span) && pathOf(span) === path);
  return {
    ...receiver,
    /** the spans of the trace of the (one) incoming request to `path` */
    traceOf(path: string): Span[] {
      const requests = incoming(path);
      expect(requests, `incoming requests to ${path}`).toHaveLength(1);
      return spans.filter((span) => span.traceId === requests[0]?.traceId);
    },
    /** the spans of every incoming request to `path` */
    incoming,
  };
}

export type OtlpReceiver = Awaited<ReturnType<typeof otlpReceiver>>;
