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
 * just runs: its span would record nothing (inUnkeptTrace), and would cost a span and a context
 * for nothing.
 */
export function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (inUnkeptTrace()) return fn();
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

/**
 * Whether the active span is this process's and records nothing: under each sampler
 * OTEL_TRACES_SAMPLER names, a child of it would not be recorded either (the parent-based ones
 * give a local unsampled parent AlwaysOff; traceidratio decides by the trace id, which the child
 * shares). A remote parent, extracted by hand, still gets its children.
 */
function inUnkeptTrace(): boolean {
  const active = trace.getActiveSpan();
  return active !== undefined && !active.isRecording() && !active.spanContext().isRemote;
}
