import { SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { appName } from '../config.js';
import { isUnkept } from './tracing/unkept.js';

// the job worker stops tracing through here, whether or not the project traces
export { stopTracing } from './tracing/sdk.js';

export type SpanAttributes = Attributes;

/** a call to another service, as its span shows it (withClientSpan) */
export interface ClientSpan {
  /** what the semantic conventions name it: `{operation} {target}`, such as `SELECT app` */
  name: string;
  attributes: SpanAttributes;
}

const tracer = trace.getTracer(appName);
/** a tracer per instrumentation scope, made on its first span: one lookup, not one per call */
const scopeTracers = new Map<string, Tracer>();

function tracerOf(scope: string): Tracer {
  let scoped = scopeTracers.get(scope);
  if (scoped === undefined) {
    scoped = trace.getTracer(scope);
    scopeTracers.set(scope, scoped);
  }
  return scoped;
}

/**
 * OBS-3: runs `fn` in a span of its own, a child of the request's, so that a trace shows this
 * step and what it called (queries, upstream requests). An error thrown by `fn` is recorded on
 * the span, which is marked failed, and thrown on. In a request whose trace is not kept, `fn`
 * just runs: its span would record nothing (isUnkept), and would cost a span and a context
 * for nothing.
 */
export function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (isUnkept(trace.getActiveSpan())) return fn();
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
 * OBS-2: runs `fn`, a call to another service (a database query), in a CLIENT span of its own
 * made by the `scope` instrumentation, under the active span: a request's whose trace is kept, or
 * a job's. Outside of one, or in a request whose trace is not kept, `fn` just runs, and
 * `describe` (the span's name and attributes) is not even called. This is what an
 * instrumentation that wraps the client library could not do cheaply: it starts a span for each
 * call, kept or not, builds its attributes, and binds the library's callbacks to the context.
 * The span is not made active: `fn` makes no spans of its own. When `fn` fails, the span says
 * so with `error.type` (the error's `code`, such as a SQLSTATE, or its name) and status ERROR,
 * and carries no message, which may hold values.
 */
export function withClientSpan<T>(
  scope: string,
  describe: () => ClientSpan,
  fn: () => Promise<T>,
): Promise<T> {
  const active = trace.getActiveSpan();
  if (active === undefined || isUnkept(active)) return fn();
  const { name, attributes } = describe();
  const span = tracerOf(scope).startSpan(name, { kind: SpanKind.CLIENT, attributes });
  return fn().then(
    (result) => {
      span.end();
      return result;
    },
    (error: unknown) => {
      span.setAttribute('error.type', errorType(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    },
  );
}

function errorType(error: unknown): string {
  if (!(error instanceof Error)) return '_OTHER';
  const { code } = error as Error & { code?: unknown };
  return typeof code === 'string' && code !== '' ? code : error.name;
}
