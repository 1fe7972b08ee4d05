import { bankChecker } from '../../src/checkers/bank.js';
import { runCheckers, worst, type CheckInput, type Verdict } from '../../src/checkers/checker.js';
import { diffStores } from '../../src/checkers/diff.js';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';
import { naiveWriteThrough, staleForever } from '../checkers/payment-fixtures.js';

const SCENARIO = 'payment-double-spend';

function result(strategy: string, expected: Verdict, input: CheckInput, impact: string[]): StrategyResult {
  const checks = runCheckers([bankChecker, stalenessChecker], input);
  const verdict = worst(checks.map((c) => c.verdict));
  return {
    scenario: SCENARIO,
    strategy,
    verdict,
    expected,
    matches: verdict === expected,
    expectation: `${strategy} is expected to be ${expected}.`,
    checks,
    diff: diffStores(input.final, input.displayOnlyKeys),
    bookkeeping: [],
    impact,
    explanation: 'The cache SET after the commit failed, so later payments were authorized from a stale balance.',
    timeline: [
      {
        at: 12.5,
        event: 'add toxic reset_peer on redis (upstream)',
        trigger: 'after-db-commit (p1)',
        point: { op: 'p1', name: 'after-db-commit' },
        window: { id: 1, edge: 'start', kind: 'network' },
      },
      { at: 40, event: 'remove toxic reset_peer on redis', window: { id: 1, edge: 'end', kind: 'network' } },
    ],
    history: input.history,
    initial: { db: input.initial.db, cache: Object.fromEntries(Object.entries(input.initial.db).map(([k, v]) => [k, String(v)])) },
    finalAt: input.finalAt,
    durationMs: 1234,
  };
}

/** Naive write-through (inconsistent, as expected), a mismatch, and a skipped strategy. */
export function paymentRun(): RunReport {
  const results: StrategyResult[] = [
    result('write-through', 'inconsistent', naiveWriteThrough(), ['1000 yen spent twice']),
    result('delete-on-write', 'consistent', staleForever(), []),
    {
      ...result('two-phase-commit', 'inconsistent', staleForever(), []),
      verdict: 'skipped',
      matches: false,
      skipReason: 'needs a kill command in external mode: pass --kill-redis "docker compose kill redis"',
      checks: [],
      diff: [],
    },
  ];
  return {
    runId: 'run-7f3a',
    seed: 42,
    scenarios: [{ name: SCENARIO, summary: 'a debit commits, its cache update is lost', explanation: 'Alice has 5000 yen, cached.' }],
    stack: {
      mode: 'local',
      redis: 'redis://127.0.0.1:41001',
      postgres: 'postgres://lab@127.0.0.1:41002/lab',
      toxiproxy: 'http://127.0.0.1:41003',
    },
    driverSettings: { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 500 },
    results,
    ok: false,
    durationMs: 5678,
  };
}
