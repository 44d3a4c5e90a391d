// probes come every few seconds: a trace each would bury the requests that matter
const probes = new Set(['/health', '/ready']);

/** `/health` and `/ready`, with or without a query: not traced */
export const isProbe = (url = ''): boolean => probes.has(url.split('?')[0] ?? '');
