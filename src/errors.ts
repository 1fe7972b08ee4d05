/**
 * The one error class the lab throws on purpose. `code` is stable (scripts and tests match on it),
 * `hint` tells the user what to do next, `cause` keeps the original error for --verbose.
 *
 * Codes map onto exit codes in the CLI entry only: usage -> 2, environment -> 3.
 */
export type LabErrorCode =
  | 'usage' // bad flag, unknown scenario or strategy: exit 2
  | 'environment' // a service cannot be started or reached: exit 3
  | 'internal'; // a bug in the lab

export class LabError extends Error {
  readonly code: LabErrorCode;
  readonly hint: string | undefined;

  constructor(code: LabErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.hint = options.hint;
  }
}

export const usageError = (message: string, hint?: string): LabError => new LabError('usage', message, { hint });

export const environmentError = (message: string, hint: string, cause?: unknown): LabError =>
  new LabError('environment', message, { hint, cause });
