import type { CheckInput, CheckResult, Checker } from './checker.js';
import { diffStores } from './diff.js';

/**
 * Cache against database after the heal phase. A `stale` or `cache-only` key is inconsistent unless
 * a TTL bounds it within `stalenessBudgetMs`; then it heals by itself and is only reported.
 * A key missing from the cache is normal (the next read fills it).
 *
 * Figures: staleKeys (stale or cache-only keys), maxStaleMs (largest TTL left among them, ms;
 * -1 when one has no TTL and stays stale until the next write; 0 when nothing is stale).
 */
export const stalenessChecker: Checker = { name: 'cache-vs-db', check };

function check(input: CheckInput): CheckResult {
  const diverged = diffStores(input.final, input.displayOnlyKeys).filter(
    (row) => row.status === 'stale' || row.status === 'cache-only',
  );
  const findings: string[] = [];
  let violated = false;
  let maxStaleMs = 0;

  for (const row of diverged) {
    const values = `${row.key}: cache ${row.cache ?? 'none'}, database ${row.db ?? 'has no row'}`;
    if (row.ttlMs === null) {
      violated = true;
      maxStaleMs = -1;
      findings.push(`${values}, no TTL: stays stale until the next successful write`);
      continue;
    }
    if (maxStaleMs >= 0) maxStaleMs = Math.max(maxStaleMs, row.ttlMs);
    const window = `stale for up to ${seconds(row.ttlMs)} (TTL)`;
    if (row.ttlMs > input.stalenessBudgetMs) {
      violated = true;
      findings.push(`${values}: ${window}, over the ${seconds(input.stalenessBudgetMs)} budget`);
    } else {
      const display = input.displayOnlyKeys.includes(row.key) ? 'display value ' : '';
      findings.push(`${values}: ${display}${window}, heals by itself`);
    }
  }

  return {
    checker: 'cache-vs-db',
    verdict: violated ? 'inconsistent' : 'consistent',
    findings,
    figures: { staleKeys: diverged.length, maxStaleMs },
    ...(violated ? { summary: maxStaleMs === -1 ? 'cache stale, no TTL' : `cache stale ${seconds(maxStaleMs)}` } : {}),
  };
}

/** Whole seconds, rounded up so the window is never understated. */
function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}
