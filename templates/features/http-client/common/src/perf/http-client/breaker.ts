import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Logger } from 'pino';

export interface CircuitOptions {
  /** failed calls in a row, each after its retries, that open the circuit */
  failures: number;
  /** how long an open circuit fails calls at once before it lets a probe through */
  coolDownMs: number;
}

/** a call refused without a request, because its upstream's circuit is open */
export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';

  constructor(
    readonly origin: string,
    /** seconds until a probe may go through: the Retry-After of our own answer */
    readonly retryAfterSeconds: number,
  ) {
    super(`The circuit to ${origin} is open`);
  }
}

interface Circuit {
  policy: CircuitBreakerPolicy;
  openedAt: number;
}

/**
 * POOL-7: a circuit breaker per upstream origin (cockatiel's). After `failures` failed calls in
 * a row, calls to that origin fail at once, sending nothing, for `coolDownMs`: a dead upstream
 * costs neither our time nor its recovery. Then one call goes through as a probe (the others
 * wait for it); its success closes the circuit, its failure opens it for another cool-down.
 */
export class Breakers {
  readonly #circuits = new Map<string, Circuit>();

  constructor(
    private readonly options: CircuitOptions,
    /** which errors count against the upstream; others (a 404) pass through uncounted */
    private readonly isFailure: (error: unknown) => boolean,
    private readonly logger: Logger,
  ) {}

  async run<T>(origin: string, call: () => Promise<T>): Promise<T> {
    const circuit = this.#circuit(origin);
    try {
      return await circuit.policy.execute(call);
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) throw error;
      const left = circuit.openedAt + this.options.coolDownMs - Date.now();
      throw new CircuitOpenError(origin, Math.max(1, Math.ceil(left / 1000)));
    }
  }

  /** the origins whose circuit is open now */
  open(): string[] {
    return [...this.#circuits]
      .filter(([, circuit]) => circuit.policy.state === CircuitState.Open)
      .map(([origin]) => origin);
  }

  #circuit(origin: string): Circuit {
    const known = this.#circuits.get(origin);
    if (known) return known;
    const policy = circuitBreaker(handleWhen(this.isFailure), {
      halfOpenAfter: this.options.coolDownMs,
      breaker: new ConsecutiveBreaker(this.options.failures),
    });
    const circuit: Circuit = { policy, openedAt: 0 };
    policy.onBreak(() => {
      circuit.openedAt = Date.now();
      this.logger.warn(
        { origin, coolDownMs: this.options.coolDownMs },
        'upstream: circuit open; calls fail at once until a probe succeeds',
      );
    });
    policy.onReset(() =>
      this.logger.info({ origin }, 'upstream: circuit closed; the probe succeeded'),
    );
    this.#circuits.set(origin, circuit);
    return circuit;
  }
}
