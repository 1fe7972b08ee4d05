import { runCheckers, worst, type InitialState, type StoreSnapshot } from '../checkers/checker.js';
import { diffStores } from '../checkers/diff.js';
import type { CompletedOp } from '../history/history.js';
import { judgeLoad, type LoadResult } from './load-run.js';
import type { StrategyResult, TimelineEntry } from './result.js';
import type { Scenario } from './scenario.js';
import type { StrategyPlan } from './strategy-plan.js';

/** What a run leaves to be judged, once its faults are healed and the stores read. */
export interface RunOutcome {
  scenario: Scenario;
  plan: StrategyPlan;
  history: CompletedOp[];
  initial: InitialState;
  final: StoreSnapshot;
  /** When `final` had been read, ms on the history's clock. */
  finalAt: number;
  /** What went wrong with the run itself: each makes the result unknown. */
  problems: string[];
  load: LoadResult | undefined;
  timeline: TimelineEntry[];
  /** Cache keys the lab expired during the run (load scenarios). */
  expiries: number;
  apps: number;
}

/** The judged part of a result: checks over the history and the stores, the verdict, the impact and the explanation. */
export type Judgement = Pick<
  StrategyResult,
  'verdict' | 'checks' | 'diff' | 'bookkeeping' | 'impact' | 'explanation' | 'timeline' | 'history' | 'initial' | 'finalAt' | 'load'
>;

const NOT_JUDGED = 'The run could not judge this strategy: the findings of the run say what kept it from testing the window.';

/** Runs the scenario's checkers (and its load budget) and says what they found; the worst verdict wins. */
export function judgeRun(o: RunOutcome): Judgement {
  const { scenario, plan, final } = o;
  const problems = [...o.problems];
  const displayOnlyKeys = plan.displayOnly ? Object.keys(scenario.setup.records) : [];
  const checks = runCheckers(scenario.checkers, {
    history: o.history,
    initial: o.initial,
    final,
    finalAt: o.finalAt,
    displayOnlyKeys,
    stalenessBudgetMs: scenario.stalenessBudgetMs,
  });
  if (scenario.budget) {
    const judged = judgeLoad(scenario.budget(plan.name, o.apps), o.load, o.timeline, o.expiries);
    if (typeof judged === 'string') problems.push(judged);
    else checks.push(judged);
  }
  if (problems.length > 0) checks.push({ checker: 'run', verdict: 'unknown', findings: problems, figures: {} });
  const verdict = worst(checks.map((c) => c.verdict));
  return {
    verdict,
    checks,
    // Nor a table to read: its load stands for them.
    diff: scenario.budget ? [] : diffStores(final, displayOnlyKeys),
    bookkeeping: Object.entries(final.meta).map(([key, entry]) => ({ key, ...entry })),
    impact: scenario.impact(checks),
    // Unknown: nothing to explain about the strategy; the run's findings say why it was not judged.
    explanation: verdict === 'unknown' ? NOT_JUDGED : scenario.explain(plan.name, verdict, checks),
    timeline: o.timeline,
    history: o.history,
    // A load scenario's thousands of rows are its load's keys, not values to compare.
    initial: scenario.budget
      ? { db: {}, cache: {} }
      : { db: o.initial.db, cache: Object.fromEntries(scenario.setup.cached.map((key) => [key, String(o.initial.db[key])])) },
    finalAt: o.finalAt,
    ...(o.load && { load: o.load }),
  };
}
