import { Readable } from 'node:stream';

/** STREAM-4: what the sample streams are doing; read by the tests, worth exporting as metrics */
export interface StreamStats {
  /** streams open now */
  open: number;
  /** NDJSON lines made since start */
  lines: number;
  /** server-sent events made since start */
  events: number;
}

export const ndjsonCount = { default: 100, max: 100_000 } as const;

/** `?count=` of /api/stream: a number of lines, or why it is refused */
export function parseCount(value: string | undefined): number | { error: string } {
  if (value === undefined) return ndjsonCount.default;
  const count = Number(value);
  if (!/^\d+$/.test(value) || count < 1 || count > ndjsonCount.max) {
    return { error: `count takes a whole number from 1 to ${ndjsonCount.max}` };
  }
  return count;
}

export const ndjsonHeaders = {
  'content-type': 'application/x-ndjson; charset=utf-8',
  'cache-control': 'no-store',
} as const;

export const eventStreamHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies must pass each event on as it comes, not buffer or compress them
  'cache-control': 'no-cache, no-transform',
  // nginx buffers proxied answers unless told otherwise
  'x-accel-buffering': 'no',
} as const;

// about 200 bytes a line, so a client that stops reading fills the buffers before the end
const filler = 'The quick brown fox jumps over the lazy dog. '.repeat(3);

/**
 * STREAM-4: the sample streams. Each is a Readable whose `read()` makes the next piece only
 * when the one before has gone out: Node calls it when the socket drained, so a client that
 * reads slowly gets data slowly and the server's memory stays flat (back-pressure). When the
 * client goes away the framework destroys the stream, and `destroy()` stops the work.
 */
export class SampleStreams {
  readonly stats: StreamStats = { open: 0, lines: 0, events: 0 };

  constructor(private readonly eventIntervalMs: number) {}

  /**
   * `count` lines of JSON, one object a line. Each `read()` makes as many lines as fit in
   * what Node asks for (the stream's 16 KB high-water mark) and pushes them as one chunk: a
   * chunk is one write to the socket, or to the compressor, which flushes after every write
   * (STREAM-4). One line a chunk made 80 times as many flushes, and brotli and gzip then
   * spent several times the CPU on the same lines, at a worse ratio.
   */
  ndjson(count: number): Readable {
    const stats = this.stats;
    let next = 1;
    stats.open += 1;
    return new Readable({
      read(size) {
        if (next > count) {
          this.push(null);
          return;
        }
        let chunk = '';
        while (next <= count && chunk.length < size) {
          chunk += `${JSON.stringify({ seq: next, of: count, text: filler })}\n`;
          stats.lines += 1;
          next += 1;
        }
        this.push(chunk);
      },
      destroy(error, callback) {
        stats.open -= 1;
        callback(error);
      },
    });
  }

  /**
   * Server-sent events, one per interval until the client leaves. Each event has an `id`;
   * a client that reconnects with `Last-Event-ID` continues from there. A stalled client
   * holds one event at most: it costs a timer, never a growing queue.
   */
  events(lastEventId: string | undefined): Readable {
    const stats = this.stats;
    const interval = this.eventIntervalMs;
    let id = /^\d{1,15}$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
    let timer: NodeJS.Timeout | undefined;
    let started = false;
    stats.open += 1;
    return new Readable({
      // nothing is queued ahead: the next event is timed once the last one has gone out
      highWaterMark: 0,
      read() {
        if (!started) {
          started = true;
          // tells EventSource how long to wait before reconnecting
          this.push(`retry: ${Math.max(interval, 1000)}\n\n`);
        }
        timer ??= setTimeout(() => {
          timer = undefined;
          id += 1;
          stats.events += 1;
          const data = JSON.stringify({ id, at: new Date().toISOString() });
          this.push(`id: ${id}\nevent: tick\ndata: ${data}\n\n`);
        }, interval);
      },
      destroy(error, callback) {
        clearTimeout(timer);
        stats.open -= 1;
        callback(error);
      },
    });
  }
}
