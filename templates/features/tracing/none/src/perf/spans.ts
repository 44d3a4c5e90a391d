export type SpanAttributes = Record<string, string | number | boolean>;

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
 * OBS-1: where a traced project sends its last spans at shutdown (the job worker calls it once
 * its last job has ended). Without tracing there are none to send.
 */
export function stopTracing(): Promise<void> {
  return Promise.resolve();
}
