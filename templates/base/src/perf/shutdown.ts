import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';

/**
 * RUN-2: on SIGTERM or SIGINT, close gracefully and exit 0; if closing takes longer than
 * `timeoutMs`, or an error nobody caught reaches the top, exit 1. A second signal exits at once.
 */
export function closeOnExit(
  close: () => Promise<void>,
  { timeoutMs, logger }: { timeoutMs: number; logger: Logger },
): void {
  closeWithGrace({ delay: timeoutMs, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an uncaught error');
    else logger.info({ signal }, 'closing: /ready answers 503, then in-flight requests finish');
    await close();
  });
}
