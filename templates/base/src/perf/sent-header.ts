import type { ServerResponse } from 'node:http';

/**
 * The value of a response header as it went on the wire, repeated lines joined with `, `;
 * undefined when it was not sent. Frameworks hand their headers to `writeHead` in one object,
 * which `getHeader` never sees; the header block node:http wrote has them all. Read it once
 * the response is written (its `finish` or `close`), so answering pays nothing for it.
 */
export function sentHeader(res: ServerResponse, name: string): string | undefined {
  const block = (res as ServerResponse & { _header?: string | null })._header ?? '';
  const values: string[] = [];
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).toLowerCase() === name) {
      values.push(line.slice(colon + 1).trim());
    }
  }
  return values.length > 0 ? values.join(', ') : undefined;
}
