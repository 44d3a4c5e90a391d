import {
  context,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';

/**
 * Whether `span` is this process's and records nothing: under each sampler OTEL_TRACES_SAMPLER
 * names, a child of it would not be recorded either (the parent-based ones give a local
 * unsampled parent AlwaysOff; traceidratio decides by the trace id, which the child shares). A
 * remote parent, extracted by hand, still gets its children.
 */
export function isUnkept(span: Span | undefined): span is Span {
  return span !== undefined && !span.isRecording() && !span.spanContext().isRemote;
}

/**
 * OBS-2: the tracers the instrumentations get (sdk.ts). A span one of them starts in a request
 * whose trace is not kept records nothing, yet the SDK still makes its ids, cleans the
 * attributes the instrumentation built, asks the sampler and counts it: about 5 µs of a
 * Fastify request at 1% kept, for @fastify/otel's route span alone. These tracers hand back
 * the request's own span context, not recording, at once; in a kept request, or outside of
 * one, the SDK's tracer makes the span as before.
 */
export class KeptTracerProvider implements TracerProvider {
  readonly #provider: TracerProvider;

  constructor(provider: TracerProvider) {
    this.#provider = provider;
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return new KeptTracer(this.#provider.getTracer(name, version, options));
  }
}

class KeptTracer implements Tracer {
  readonly #tracer: Tracer;

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  startSpan(name: string, options: SpanOptions = {}, parent: Context = context.active()): Span {
    const parentSpan = options.root ? undefined : trace.getSpan(parent);
    if (isUnkept(parentSpan)) return trace.wrapSpanContext(parentSpan.spanContext());
    return this.#tracer.startSpan(name, options, parent);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parent: Context,
    fn: F,
  ): ReturnType<F>;
  // as the SDK's tracer does it: the span, made active for `fn`
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = args[args.length - 1] as F;
    const options = args.length > 1 ? (args[0] as SpanOptions) : {};
    const parent = args.length > 2 ? (args[1] as Context) : context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), () => fn(span) as ReturnType<F>);
  }
}
