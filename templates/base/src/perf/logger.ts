import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { appName, type Config } from '../config.js';
import { sentHeader } from './sent-header.js';

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ name: appName, level: config.logLevel });
}

// probes hit every few seconds; a line each would bury the requests that matter
const quietPaths = new Set(['/health', '/ready']);

/**
 * OBS-6: one line per request, written when the response is done, with the method, path,
 * status, duration and cache outcome. Headers stay out: they hold cookies and tokens.
 * Written by hand rather than with pino-http, which makes a child logger per request: a
 * measurable share of a cache hit's cost, for bindings this line does not need.
 */
export function logRequests(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!logger.isLevelEnabled('info') || quietPaths.has(req.url ?? '')) return;
    const started = performance.now();
    res.once('close', () => {
      const line = {
        req: { method: req.method, url: req.url },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - started),
        cache: sentHeader(res, 'x-cache'),
      };
      if (res.writableFinished) logger.info(line, 'request completed');
      else logger.warn(line, 'request aborted by the client');
    });
  };
}
