import { environmentError } from '../errors.js';
import type { Outcome } from '../history/history.js';

/**
 * What every driver call returns instead of throwing. `fail`: it certainly did not take effect
 * (refused by the server, or never sent). `unknown`: it was sent and the answer was lost (link cut,
 * timeout): it may have taken effect. Only drivers/ decide which; callers never read error text.
 */
export type Result<T> = { outcome: 'ok'; value: T } | { outcome: Exclude<Outcome, 'ok'>; error: string };

export const ok = <T>(value: T): Result<T> => ({ outcome: 'ok', value });

export const failed = (outcome: Exclude<Outcome, 'ok'>, error: unknown): Result<never> => ({
  outcome,
  error: error instanceof Error ? error.message : String(error),
});

/**
 * For lab-side setup and snapshots, which read the stores directly (not through the fault proxy):
 * anything but ok means the environment is broken, an environment LabError (exit 3).
 */
export function must<T>(result: Result<T>, what: string): T {
  if (result.outcome === 'ok') return result.value;
  throw environmentError(
    `the lab's own connection could not ${what}: ${result.outcome}: ${result.error}`,
    'Redis or PostgreSQL stopped answering outside any injected fault: check that both still run (external mode: their URLs), then run again',
  );
}
