import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Span,
} from '@opentelemetry/api';
import {
  getRPCMetadata,
  isTracingSuppressed,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  StackContextManager,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createServer, request, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withClientSpan, withSpan } from '../src/perf/spans.js';
import { requestScope, spanPerRequest } from '../src/perf/tracing/requests.js';
import { KeptTracerProvider } from '../src/perf/tracing/unkept.js';

// the request spans of perf/tracing/requests.ts and the steps' of perf/spans.ts, in this
// process: a provider that keeps what it ends in memory, parent-based like the app's default
// sampler, a context manager that carries a context through a synchronous run (all the
// listeners here need, and what withSpan reads when it is called)
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});

/** what a listener saw of its context while it ran, by path */
const seen = new Map<string, { recording?: boolean; traceId?: string; suppressed: boolean }>();

const listener: RequestListener = (req, res) => {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const active = context.active();
  const span = trace.getSpan(active);
  seen.set(path, {
    recording: span?.isRecording(),
    traceId: span?.spanContext().traceId,
    suppressed: isTracingSuppressed(active),
  });
  // what a framework's instrumentation (or the front tier) does once its route matched
  const rpc = getRPCMetadata(active);
  if (rpc && path.startsWith('/api/')) rpc.route = '/api/things/:id';
  res.statusCode = path === '/fail' ? 503 : path === '/missing' ? 404 : 200;
  res.end('{}');
};

let server: Server;
let port = 0;

beforeAll(async () => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new StackContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  server = createServer(spanPerRequest(listener));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ({ port } = server.address() as AddressInfo);
});

afterEach(() => exporter.reset());

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  trace.disable();
  context.disable();
  propagation.disable();
});

/** one request, its answer read whole */
function send(path: string, { method = 'GET', headers = {} as Record<string, string> } = {}) {
  return new Promise<number>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

/** the spans ended so far, once there are `count` */
async function ended(count: number) {
  await vi.waitFor(() => expect(exporter.getFinishedSpans()).toHaveLength(count));
  return exporter.getFinishedSpans();
}

describe('OBS-2: the span of each request the server takes', () => {
  it('is a server span named after its method, then after the route the framework found', async () => {
    await send('/api/things/7?page=2&sig=secret', { headers: { 'user-agent': 'probe/1' } });
    const [span] = await ended(1);
    expect(span?.instrumentationScope.name).toBe(requestScope);
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.name).toBe('GET /api/things/:id');
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/api/things/:id',
      'http.response.status_code': 200,
      'url.scheme': 'http',
      'url.path': '/api/things/7',
      // a signed URL's signature is not kept
      'url.query': 'page=2&sig=REDACTED',
      'server.address': '127.0.0.1',
      'server.port': port,
      'client.address': '127.0.0.1',
      'network.peer.address': '127.0.0.1',
      'network.peer.port': expect.any(Number) as number,
      'network.protocol.version': '1.1',
      'user_agent.original': 'probe/1',
    });
  });

  it('marks a 5xx failed, with its status as error.type; a 4xx is the client’s error, not the server’s', async () => {
    await send('/fail');
    await send('/missing');
    const [failed, missing] = await ended(2);
    expect(failed?.name).toBe('GET');
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toBe('503');
    expect(missing?.attributes['http.response.status_code']).toBe(404);
    expect(missing?.status.code).toBe(SpanStatusCode.UNSET);
    expect(missing?.attributes['error.type']).toBeUndefined();
  });

  it('names a method HTTP does not define `_OTHER`, its span `HTTP`', async () => {
    await send('/missing', { method: 'PURGE' });
    const [span] = await ended(1);
    expect(span?.name).toBe('HTTP');
    expect(span?.attributes['http.request.method']).toBe('_OTHER');
    expect(span?.attributes['http.request.method_original']).toBe('PURGE');
  });

  it('continues the trace of a caller that sent a traceparent', async () => {
    const traceId = 'ab'.repeat(16);
    await send('/missing', { headers: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-01` } });
    const [span] = await ended(1);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('cd'.repeat(8));
  });
});

describe('OBS-4, OBS-2: what is not recorded', () => {
  it('a request its caller did not sample runs in a span that records nothing, in its trace', async () => {
    const traceId = 'ef'.repeat(16);
    await send('/unsampled', { headers: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-00` } });
    // what the request's work starts (queries, the route's spans) is a child that is not kept
    expect(seen.get('/unsampled')).toEqual({ recording: false, traceId, suppressed: false });
    await send('/missing');
    const spans = await ended(1);
    expect(spans.map((span) => span.attributes['url.path'])).toEqual(['/missing']);
  });

  it('a health probe makes no span, and its work none either', async () => {
    await send('/health');
    await send('/ready?deep');
    expect(seen.get('/health')).toEqual({ suppressed: true });
    expect(seen.get('/ready')).toEqual({ suppressed: true });
    await send('/missing');
    const spans = await ended(1);
    expect(spans.map((span) => span.attributes['url.path'])).toEqual(['/missing']);
  });
});

const traceId = '12'.repeat(16);
const parentOf = (traceFlags: TraceFlags, isRemote = false): Span =>
  trace.wrapSpanContext({ traceId, spanId: '34'.repeat(8), traceFlags, isRemote });

describe('OBS-3: withSpan, a step of a request', () => {
  /** `withSpan` called with `parent` active; resolves to the span active inside the step */
  const stepUnder = (parent: Span, step: () => Promise<void> = () => Promise.resolve()) =>
    context.with(trace.setSpan(ROOT_CONTEXT, parent), () =>
      withSpan('step', { 'step.size': 3 }, async () => {
        const active = trace.getActiveSpan();
        await step();
        return active;
      }),
    );

  it('is a span of its own, a child of the request’s, with its attributes', async () => {
    const active = await stepUnder(parentOf(TraceFlags.SAMPLED, true));
    const [span] = await ended(1);
    expect(span?.name).toBe('step');
    expect(span?.attributes).toEqual({ 'step.size': 3 });
    expect(span?.parentSpanContext?.spanId).toBe('34'.repeat(8));
    expect(active?.spanContext().spanId).toBe(span?.spanContext().spanId);
  });

  it('is marked failed with what the step threw, which is thrown on', async () => {
    const failing = stepUnder(parentOf(TraceFlags.SAMPLED, true), () =>
      Promise.reject(new Error('no such item')),
    );
    await expect(failing).rejects.toThrow('no such item');
    const [span] = await ended(1);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('in a request whose trace is not kept, runs the step in the request’s own context', async () => {
    const parent = parentOf(TraceFlags.NONE);
    // no span started: the step sees the request's, not a child that records nothing
    expect(await stepUnder(parent)).toBe(parent);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('OBS-2: withClientSpan, a call to another service', () => {
  const describeCall = vi.fn(() => ({
    name: 'SELECT app',
    attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT $1' },
  }));
  afterEach(() => describeCall.mockClear());

  /** `withClientSpan` called with `parent` active (none when undefined) */
  const callUnder = (
    parent: Span | undefined,
    call: () => Promise<unknown> = () => Promise.resolve(trace.getActiveSpan()),
  ) => {
    const run = () => withClientSpan('db-client', describeCall, call);
    return parent ? context.with(trace.setSpan(ROOT_CONTEXT, parent), run) : run();
  };
  const failure = (code?: string) =>
    Object.assign(new Error('terminating connection'), code ? { code } : {});

  it('is a CLIENT span of its scope, a child of the request’s, named and described by `describe`', async () => {
    const request = provider.getTracer('test').startSpan('GET /api/things/:id');
    // the call runs in the request's own context: its span is not made active
    expect(await callUnder(request)).toBe(request);
    request.end();
    const [span] = await ended(2);
    expect(span?.instrumentationScope.name).toBe('db-client');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.name).toBe('SELECT app');
    expect(span?.attributes).toEqual(describeCall.mock.results[0]?.value.attributes);
    expect(span?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('says what failed by its code, with no message, and throws it on', async () => {
    await expect(
      callUnder(parentOf(TraceFlags.SAMPLED, true), () => Promise.reject(failure('57P01'))),
    ).rejects.toThrow('terminating connection');
    await expect(
      callUnder(parentOf(TraceFlags.SAMPLED, true), () => Promise.reject(new TypeError('bad'))),
    ).rejects.toThrow('bad');
    const spans = await ended(2);
    expect(spans.map((span) => span.attributes['error.type'])).toEqual(['57P01', 'TypeError']);
    for (const span of spans) {
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
      expect(span.events).toEqual([]);
    }
  });

  it('outside a request, and in one whose trace is not kept, only runs the call', async () => {
    const unkept = parentOf(TraceFlags.NONE);
    expect(await callUnder(undefined)).toBeUndefined();
    expect(await callUnder(unkept)).toBe(unkept);
    await expect(callUnder(unkept, () => Promise.reject(failure('57P01')))).rejects.toThrow();
    expect(describeCall).not.toHaveBeenCalled();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('OBS-2: the instrumentations’ tracers', () => {
  const tracer = new KeptTracerProvider(provider).getTracer('an-instrumentation');
  const under = (parent: Span) => trace.setSpan(ROOT_CONTEXT, parent);

  it('make a kept request’s spans as the SDK does', async () => {
    const request = provider.getTracer('test').startSpan('GET /api/things/:id');
    const route = tracer.startSpan('route', { attributes: { 'http.route': '/a' } }, under(request));
    expect(route.isRecording()).toBe(true);
    route.end();
    request.end();
    const [span] = await ended(2);
    expect(span?.instrumentationScope.name).toBe('an-instrumentation');
    expect(span?.attributes).toEqual({ 'http.route': '/a' });
    expect(span?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });

  it('hand a request whose trace is not kept its own span context, recording nothing', () => {
    const unkept = parentOf(TraceFlags.NONE);
    const route = tracer.startSpan('route', { attributes: { 'http.route': '/a' } }, under(unkept));
    expect(route.isRecording()).toBe(false);
    expect(route.spanContext()).toEqual(unkept.spanContext());
    route.end();
    // startActiveSpan runs its function with that span active, and returns what it returns
    const active = tracer.startActiveSpan('handler', {}, under(unkept), (span) => {
      expect(span.isRecording()).toBe(false);
      return trace.getActiveSpan();
    });
    expect(active?.spanContext()).toEqual(unkept.spanContext());
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('leave a remote parent and a new root to the SDK and its sampler', () => {
    // a caller's unsampled parent: not kept either, but a span of this process, with an id of its own
    const remote = tracer.startSpan('route', {}, under(parentOf(TraceFlags.NONE, true)));
    expect(remote.isRecording()).toBe(false);
    expect(remote.spanContext().spanId).not.toBe('34'.repeat(8));
    const root = tracer.startSpan('job', { root: true }, under(parentOf(TraceFlags.NONE)));
    expect(root.isRecording()).toBe(true);
    expect(root.spanContext().traceId).not.toBe(traceId);
    root.end();
  });
});
