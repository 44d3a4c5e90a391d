// errors are values at the edge: cli.ts is the one place that turns them into a message and an exit code.

export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failure,
    /** extra lines printed after the message, e.g. how to finish by hand */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, exitCodes.usage, hint ?? 'Run `create-perf-app --help` for the flags.');
    this.name = 'UsageError';
  }
}

export class InterruptedError extends CliError {
  constructor() {
    super('Cancelled: nothing was written.', exitCodes.interrupted);
    this.name = 'InterruptedError';
  }
}
