// probes come every few seconds: a trace each would bury the requests that matter
const probes = new Set(['/health', '/ready']);

/** `/health` and `/ready`, with or without a query: not traced (asked of every request) */
export function isProbe(url = ''): boolean {
  const query = url.indexOf('?');
  return probes.has(query === -1 ? url : url.slice(0, query));
}
