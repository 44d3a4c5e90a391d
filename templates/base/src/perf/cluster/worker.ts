import { randomInt } from 'node:crypto';
import type { RequestListener, Server } from 'node:http';
import type { Logger } from 'pino';
import type { RunningServer } from '../../server.js';
import { holdDrain } from '../http-server.js';
import type { ClusterSettings } from '../../settings/cluster.js';
import { isClusterMessage, type ClusterMessage } from './messages.js';

/** at shutdown, the longest wait for the other workers to stop listening too */
const drainWaitMs = 2000;

/**
 * WORK-3, WORK-4: what a cluster worker does besides serving. It tells the primary once it
 * serves, drains when told to, and asks to be replaced once it has served its share of
 * requests or grown past the memory bound. It goes on serving until its replacement serves
 * (the primary then says `retire`), so capacity never drops while a worker is replaced.
 */
export function serveAsWorker(
  server: RunningServer,
  settings: ClusterSettings,
  logger: Logger,
  closeNow: (reason: string, delayMs?: number) => void,
): void {
  const send = (message: ClusterMessage) => process.send?.(message);
  let drainNow = () => {};
  process.on('message', (message) => {
    if (!isClusterMessage(message)) return;
    if (message.type === 'shutdown') {
      // as on SIGTERM: /ready answers 503 for SHUTDOWN_DELAY_MS, then it stops listening; its
      // connections close once every worker has stopped listening (holdDrain)
      holdDrain(server.http, () => {
        send({ type: 'stopped-listening' });
        return new Promise((resolve) => {
          drainNow = resolve;
          setTimeout(resolve, drainWaitMs).unref();
        });
      });
      closeNow('the cluster is shutting down');
    }
    if (message.type === 'drain') drainNow();
    // the primary already hands new connections to the replacement: no load balancer to wait for
    if (message.type === 'retire') closeNow('replaced by a new worker', 0);
  });

  let asked = false;
  const replaceMe = (reason: string) => {
    if (asked) return;
    asked = true;
    logger.info({ reason }, 'worker asks to be replaced');
    send({ type: 'replace-me', reason });
  };
  if (settings.maxRequests > 0) {
    const limit = settings.maxRequests + randomInt(settings.maxRequestsJitter + 1);
    countRequests(server.http, limit, () => replaceMe(`served ${limit} requests`));
  }
  if (settings.maxRssBytes > 0) {
    const timer = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss <= settings.maxRssBytes) return;
      clearInterval(timer);
      replaceMe(`resident memory ${Math.round(rss / 2 ** 20)} MiB`);
    }, settings.rssCheckMs);
    timer.unref();
  }
  send({ type: 'serving' });
}

/**
 * Calls `onLimit` when the server takes its `limit`th request. The count is one addition in
 * the request listener itself: a second 'request' listener would make Node copy the list of
 * listeners for every request.
 */
function countRequests(server: Server, limit: number, onLimit: () => void): void {
  const [listener] = server.listeners('request') as RequestListener[];
  if (!listener) return;
  let served = 0;
  server.removeListener('request', listener);
  server.prependListener('request', (req, res) => {
    if (++served === limit) onLimit();
    listener(req, res);
  });
}
