import { Readiness } from './readiness.js';

type Step = () => Promise<void>;

/**
 * What each feature's setup hooks into: a readiness check per dependency, work to do once the
 * server listens (warm-up), and what to close at shutdown, last opened first.
 */
export class Lifecycle {
  readonly readiness = new Readiness();
  readonly #starts: Step[] = [];
  readonly #closes: Step[] = [];

  /** runs once the server listens, before readiness turns green */
  onStart(step: Step): void {
    this.#starts.push(step);
  }

  /** runs at shutdown, after every step registered later */
  onClose(step: Step): void {
    this.#closes.push(step);
  }

  async start(): Promise<void> {
    for (const step of this.#starts) await step();
  }

  async close(): Promise<void> {
    for (const step of this.#closes.toReversed()) await step();
  }
}
