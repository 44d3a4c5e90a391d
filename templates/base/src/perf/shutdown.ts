import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';

const serverClosing = 'closing: /ready answers 503, then in-flight requests finish';

/**
 * RUN-2: on SIGTERM or SIGINT, close gracefully and exit 0; if closing takes longer than
 * `timeoutMs`, or an error nobody caught reaches the top, exit 1. A second signal exits at once.
 * Returns a function that starts the same shutdown without a signal (a cluster worker told
 * to stop or replaced, WORK-3 and WORK-4), with its own delay if given; once closing, it does
 * nothing, so a signal and a message never close twice.
 */
export function closeOnExit(
  close: (delayMs?: number) => Promise<void>,
  {
    timeoutMs,
    logger,
    closingMessage = serverClosing,
  }: { timeoutMs: number; logger: Logger; closingMessage?: string },
): (reason: string, delayMs?: number) => void {
  let closing = false;
  let delayMs: number | undefined;
  const grace = closeWithGrace({ delay: timeoutMs, logger }, async ({ signal, err }) => {
    closing = true;
    if (err) logger.error({ err }, 'closing after an uncaught error');
    else if (signal) logger.info({ signal }, closingMessage);
    await close(delayMs);
  });
  return (reason, delay) => {
    if (closing) return;
    delayMs = delay;
    logger.info({ reason }, closingMessage);
    grace.close();
  };
}
