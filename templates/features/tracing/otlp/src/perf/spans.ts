import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { appName } from '../config.js';

// the job worker stops tracing through here, whether or not the project traces
export { stopTracing } from './tracing/sdk.js';

export type SpanAttributes = Attributes;

const tracer = trace.getTracer(appName);

/**
 * OBS-3: runs `fn` in a span of its own, a child of the request's, so that a trace shows this
 * step and what it called (queries, upstream requests). An error thrown by `fn` is recorded on
 * the span, which is marked failed, and thrown on. In a request whose trace is not kept, `fn`
 * just runs: under each sampler OTEL_TRACES_SAMPLER names, the child of a span this process
 * did not record is not recorded either, so starting one would cost a span and a context for
 * nothing.
 */
export function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = trace.getActiveSpan();
  if (parent && !parent.isRecording() && !parent.spanContext().isRemote) return fn();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
