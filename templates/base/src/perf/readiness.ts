/**
 * Rejects when the dependency cannot serve. Resolving to 'degraded' reports trouble without
 * failing readiness: for a dependency the app can do without, like a cache.
 */
export type Check = () => Promise<unknown>;

type CheckResult = { status: 'up' | 'degraded' | 'down'; error?: string };

export interface ReadinessReport {
  ready: boolean;
  body: {
    status: 'ready' | 'starting' | 'draining' | 'unavailable';
    checks: Record<string, CheckResult>;
  };
}

const checkTimeoutMs = 1000;

/**
 * RUN-1: `/ready` answers 200 once start-up (and warm-up) is done and every dependency
 * answers; 503 before that, while any dependency is down, and while draining at shutdown,
 * so a load balancer stops sending new requests before the server stops taking them.
 */
export class Readiness {
  readonly #checks = new Map<string, Check>();
  #phase: 'starting' | 'started' | 'draining' = 'starting';

  add(name: string, check: Check): void {
    this.#checks.set(name, check);
  }

  markStarted(): void {
    if (this.#phase === 'starting') this.#phase = 'started';
  }

  markDraining(): void {
    this.#phase = 'draining';
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => [name, await probe(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const allUp = entries.every(([, result]) => result.status !== 'down');
    const status =
      this.#phase === 'starting'
        ? 'starting'
        : this.#phase === 'draining'
          ? 'draining'
          : allUp
            ? 'ready'
            : 'unavailable';
    return { ready: status === 'ready', body: { status, checks } };
  }
}

async function probe(check: Check): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${checkTimeoutMs} ms`)),
      checkTimeoutMs,
    );
  });
  try {
    const result = await Promise.race([check(), timeout]);
    return { status: result === 'degraded' ? 'degraded' : 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
