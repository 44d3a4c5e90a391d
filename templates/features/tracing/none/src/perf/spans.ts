export type SpanAttributes = Record<string, string | number | boolean>;

/** a call to another service, as a traced project's span shows it (withClientSpan) */
export interface ClientSpan {
  name: string;
  attributes: SpanAttributes;
}

/**
 * OBS-3: where a traced project records a span around `fn`. This project was generated without
 * tracing, so it only runs `fn`; generate it with `--tracing otlp` to record them.
 */
export function withSpan<T>(
  _name: string,
  _attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  return fn();
}

/**
 * OBS-2: where a traced project records a call to another service (a database query) in a span
 * of its own. Without tracing it only runs `fn`, and never calls `describe`.
 */
export function withClientSpan<T>(
  _scope: string,
  _describe: () => ClientSpan,
  fn: () => Promise<T>,
): Promise<T> {
  return fn();
}

/**
 * OBS-1: where a traced project sends its last spans at shutdown (the job worker calls it once
 * its last job has ended). Without tracing there are none to send.
 */
export function stopTracing(): Promise<void> {
  return Promise.resolve();
}
