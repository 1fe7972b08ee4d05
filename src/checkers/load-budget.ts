import type { CheckResult } from './checker.js';

/** One bucket of a load timeline, as the budget reads it (the load report's buckets have these fields). */
export interface BudgetBucket {
  /** When the bucket starts, ms since the load started. */
  startMs: number;
  /** Requests completed in the bucket, errors among them (failed, unknown or over the deadline). */
  requests: number;
  errors: number;
  /** Database queries sent in the bucket. */
  dbQueries: number;
  /** p99 of the pool waits of the checkouts in the bucket, ms (0 when none waited): shown, not judged. */
  poolWaitP99Ms: number;
}

/** What a load scenario allows. Over any limit is `inconsistent`, and the findings say which. */
export interface LoadBudget {
  /** Peak database queries/s over the steady state's, at most. */
  dbPeakRatio: number;
  /** p99 pool wait over the load, at most, ms. */
  poolWaitP99Ms: number;
  /** Errors over requests in any bucket, at most. */
  errorRate: number;
  /** Database queries of the hot key per expiry, at most; absent: not judged. */
  queriesPerExpiry?: number;
}

/** The budget: peak db load at most twice the steady state, pool waits p99 <= 100 ms, errors <= 1%. */
export const defaultBudget: LoadBudget = { dbPeakRatio: 2, poolWaitP99Ms: 100, errorRate: 0.01 };

export interface BudgetInput {
  bucketMs: number;
  buckets: BudgetBucket[];
  /** When the first fault came, ms since the load started: whole buckets before it (but the first, the warm-up) are the steady state. */
  faultAtMs: number;
  /**
   * p99 of the pool waits of every checkout after the first bucket, ms. Over the whole load, not
   * per bucket: a bucket holds a few dozen checkouts, whose p99 is their one slowest.
   */
  poolWaitP99Ms: number;
  /** The hot key's expiries during the load and the database queries for it. */
  expiries?: { count: number; dbQueries: number };
}

const rate = (queries: number, bucketMs: number): number => (queries * 1000) / bucketMs;
const fixed = (n: number, digits = 1): string => String(Number(n.toFixed(digits)));
const at = (b: BudgetBucket, bucketMs: number): string => `${fixed(b.startMs / 1000, 2)}-${fixed((b.startMs + bucketMs) / 1000, 2)} s`;

/**
 * Judges a load timeline against a budget. The steady state is the mean database load of the
 * buckets before the fault; below one query per bucket it counts as one (a ratio to nothing says
 * nothing). The peak is the busiest bucket from the fault on. Errors are judged per bucket, since a
 * closed loop hides a slow stretch in its totals (few requests complete in it); pool waits over the
 * load. The first bucket (the warm-up: connections opening) is judged by neither.
 */
export function judgeBudget(input: BudgetInput, budget: LoadBudget = defaultBudget): CheckResult {
  const { bucketMs, buckets } = input;
  const steady = buckets.filter((b, i) => i > 0 && b.startMs + bucketMs <= input.faultAtMs);
  const after = buckets.filter((b) => b.startMs + bucketMs > input.faultAtMs);
  if (steady.length === 0 || after.length === 0 || buckets.every((b) => b.requests === 0)) {
    return {
      checker: 'load-budget',
      verdict: 'unknown',
      findings: [`the load ran too short to judge: ${steady.length} steady bucket(s) before the fault at ${input.faultAtMs} ms, ${after.length} after it`],
      figures: {},
    };
  }
  const steadyPerSec = rate(steady.reduce((n, b) => n + b.dbQueries, 0) / steady.length, bucketMs);
  const peak = after.reduce((a, b) => (b.dbQueries > a.dbQueries ? b : a));
  const peakPerSec = rate(peak.dbQueries, bucketMs);
  const ratio = peakPerSec / Math.max(steadyPerSec, rate(1, bucketMs));
  // The first bucket is the warm-up (connections opening): judged by none of the limits.
  const judged = buckets.slice(1);
  const worstErrors = judged.reduce<BudgetBucket | undefined>((a, b) => (b.requests > 0 && (!a || errorRate(b) > errorRate(a)) ? b : a), undefined);
  const worstWait = judged.reduce((a, b) => (b.poolWaitP99Ms > a.poolWaitP99Ms ? b : a));
  const requests = buckets.reduce((n, b) => n + b.requests, 0);
  const errors = buckets.reduce((n, b) => n + b.errors, 0);

  const findings: string[] = [];
  const broke: string[] = [];
  if (ratio > budget.dbPeakRatio) {
    broke.push(`db ${fixed(ratio)}x steady`);
    findings.push(
      `database load peaked at ${Math.round(peakPerSec)} queries/s (${at(peak, bucketMs)}), ${fixed(ratio)}x the steady ${steadyText(steadyPerSec, bucketMs)}: over the budget of ${budget.dbPeakRatio}x`,
    );
  }
  if (input.poolWaitP99Ms > budget.poolWaitP99Ms) {
    broke.push(`pool wait p99 ${Math.round(input.poolWaitP99Ms)} ms`);
    findings.push(
      `pool waits reached p99 ${Math.round(input.poolWaitP99Ms)} ms over the load (the worst bucket ${at(worstWait, bucketMs)}, ` +
        `p99 ${Math.round(worstWait.poolWaitP99Ms)} ms): over the budget of ${budget.poolWaitP99Ms} ms`,
    );
  }
  if (worstErrors && errorRate(worstErrors) > budget.errorRate) {
    broke.push(`${fixed(errorRate(worstErrors) * 100)}% errors`);
    findings.push(
      `${worstErrors.errors} of ${worstErrors.requests} requests failed (${fixed(errorRate(worstErrors) * 100)}%, ${at(worstErrors, bucketMs)}): over the budget of ${fixed(budget.errorRate * 100)}%`,
    );
  }
  const figures: Record<string, number> = {
    steadyDbPerSec: Math.round(steadyPerSec),
    peakDbPerSec: Math.round(peakPerSec),
    dbPeakRatio: Number(ratio.toFixed(2)),
    poolWaitP99Ms: Math.round(input.poolWaitP99Ms),
    worstErrorRate: worstErrors ? Number(errorRate(worstErrors).toFixed(4)) : 0,
    requests,
    errors,
  };
  if (budget.queriesPerExpiry !== undefined && input.expiries) {
    const perExpiry = input.expiries.count > 0 ? input.expiries.dbQueries / input.expiries.count : 0;
    figures.queriesPerExpiry = Number(perExpiry.toFixed(2));
    if (input.expiries.count === 0) {
      findings.push('the hot key never expired during the load: queries per expiry not judged');
    } else if (perExpiry > budget.queriesPerExpiry) {
      broke.push(`${fixed(perExpiry)} queries per expiry`);
      findings.push(
        `the hot key's ${input.expiries.count} expiries cost ${input.expiries.dbQueries} database queries, ${fixed(perExpiry)} per expiry: over the budget of ${budget.queriesPerExpiry}`,
      );
    }
  }
  if (broke.length === 0) {
    findings.push(
      `within budget: database peak ${fixed(ratio)}x steady (<= ${budget.dbPeakRatio}x), pool wait p99 ${Math.round(input.poolWaitP99Ms)} ms (<= ${budget.poolWaitP99Ms}), ` +
        `errors ${fixed((worstErrors ? errorRate(worstErrors) : 0) * 100)}% at worst (<= ${fixed(budget.errorRate * 100)}%)` +
        (figures.queriesPerExpiry !== undefined ? `, ${figures.queriesPerExpiry} queries per expiry (<= ${budget.queriesPerExpiry})` : ''),
    );
  }
  return {
    checker: 'load-budget',
    verdict: broke.length > 0 ? 'inconsistent' : 'consistent',
    findings,
    figures,
    ...(broke.length > 0 && { summary: `over budget: ${broke.join(', ')}` }),
  };
}

/** The steady state as the ratio used it: below one query per bucket, that floor. */
const steadyText = (perSec: number, bucketMs: number): string =>
  perSec < rate(1, bucketMs) ? `floor of ${Math.round(rate(1, bucketMs))}/s (one query per bucket; steady ${Math.round(perSec)}/s)` : `${Math.round(perSec)}/s`;

const errorRate = (b: BudgetBucket): number => (b.requests === 0 ? 0 : b.errors / b.requests);
