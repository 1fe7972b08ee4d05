/**
 * The one error class the lab throws on purpose. `code` is stable (scripts and tests match on it),
 * `hint` tells the user what to do next, `cause` keeps the original error for --verbose.
 *
 * Codes map onto exit codes in the CLI entry only: usage -> 2, environment -> 3, interrupted ->
 * 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
 */
export type LabErrorCode =
  | 'usage' // bad flag, unknown scenario or strategy: exit 2
  | 'environment' // a service cannot be started or reached: exit 3
  | 'interrupted' // SIGINT or SIGTERM: the run stopped and cleaned up; not a failure of anything
  | 'internal'; // a bug in the lab

export class LabError extends Error {
  readonly code: LabErrorCode;
  readonly hint: string | undefined;
  /** For 'interrupted': the signal's name (SIGINT, SIGTERM), which sets the exit code. */
  readonly signal: string | undefined;

  constructor(code: LabErrorCode, message: string, options: { hint?: string; cause?: unknown; signal?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.hint = options.hint;
    this.signal = options.signal;
  }
}

export const usageError = (message: string, hint?: string): LabError => new LabError('usage', message, { hint });

export const environmentError = (message: string, hint: string, cause?: unknown): LabError =>
  new LabError('environment', message, { hint, cause });

/** The error a run stops with once `signal` is aborted; its reason is the signal's name. */
export const interruptedError = (signal: AbortSignal): LabError =>
  new LabError('interrupted', `interrupted by ${String(signal.reason)}`, { signal: String(signal.reason) });
