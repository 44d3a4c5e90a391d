import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';

/**
 * RUN-2: on SIGTERM or SIGINT, close gracefully and exit 0; if closing takes longer than
 * `delayMs`, or an error nobody caught reaches the top, exit 1.
 */
export function closeOnExit(
  close: () => Promise<void>,
  { delayMs, logger }: { delayMs: number; logger: Logger },
): void {
  closeWithGrace({ delay: delayMs, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing after an uncaught error');
    else logger.info({ signal }, 'closing: finishing in-flight requests');
    await close();
  });
}
