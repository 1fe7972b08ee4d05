import type { CheckResult, Verdict } from '../checkers/checker.js';
import type { DiffRow } from '../checkers/diff.js';
import type { CompletedOp } from '../history/history.js';
import type { FaultPoint } from '../strategies/fault-points.js';

/**
 * network: a toxic or a disabled link, across every connection of that link; process: redis-server
 * or the app process is down (killed, not yet started again); hold: one op is kept at a point.
 */
export type FaultWindowKind = 'network' | 'process' | 'hold';
import type { RedisPersistence } from '../stack/contract.js';
import type { LoadResult } from './load-run.js';

/** One fault event as the lab injected or removed it. */
export interface TimelineEntry {
  /** ms since the start of this strategy's run. */
  at: number;
  /** "add toxic reset_peer on redis (upstream)", "remove toxic ...", "SIGKILL app (pid 123)". */
  event: string;
  /** The fault point and op that triggered it, if any: "after-db-commit (p1)". */
  trigger?: string;
  /** The same trigger, structured: the op that reached an armed fault point. Absent for the workload's own faults. */
  point?: { op: string; name: FaultPoint };
  /**
   * The fault window this entry opens or closes: the two entries of one window share `id`. A window
   * opened and never closed lasted to the end of the run. Absent on events that open nothing (an app
   * restarted that no fault had killed).
   */
  window?: { id: number; edge: 'start' | 'end'; kind: FaultWindowKind };
}

/** The outcome of one scenario x strategy. `--json` prints this object as it is. */
export interface StrategyResult {
  scenario: string;
  strategy: string;
  /** consistent / inconsistent / unknown; `skipped` when it could not run here (see skipReason). */
  verdict: Verdict | 'skipped';
  expected: Verdict;
  /** verdict === expected. A skipped result never matches. */
  matches: boolean;
  skipReason?: string;
  /** Why the scenario expects this verdict of this strategy, in one or two sentences. */
  expectation: string;
  checks: CheckResult[];
  diff: DiffRow[];
  /** The strategy's bookkeeping left in the cache (`_meta:` keys: intents, leases, versions); not data. */
  bookkeeping: { key: string; type: string; value: string | string[]; ttlMs: number | null }[];
  /** Business cost in the scenario's own terms: "1000 yen spent twice". Empty when nothing was lost. */
  impact: string[];
  /** What went wrong and which remedy fixes it, or why nothing went wrong. */
  explanation: string;
  timeline: TimelineEntry[];
  history: CompletedOp[];
  /** What the stores held when the workload started (the scenario's setup): records, and the keys cached then. */
  initial: { db: Record<string, number>; cache: Record<string, string> };
  /** When the final snapshot (`diff`, `bookkeeping`) had been read, ms on the history's clock; 0 when skipped. */
  finalAt: number;
  durationMs: number;
  /** The run's --seed (fault proxy draws), to replay it; absent where a result was made without a run. */
  seed?: number;
  /**
   * For a scenario that kills Redis: the persistence redis-server ran with, as the local stack set
   * it or as the external server itself reports it (CONFIG GET).
   */
  redisPersistence?: { setting: RedisPersistence | 'unknown'; source: 'local stack' | 'server' };
  /** A load scenario's load: throughput, errors, latency and the stores' load over time, every app's. */
  load?: LoadResult;
  /** With --keep: where this result's final data stays (its own namespace). */
  kept?: { keyPrefix: string; schema: string };
  /**
   * Run under a fault schedule (run --schedule, explore): its compact form, and the op@point of its
   * entries the run never reached (an earlier fault sent the op another way, or no such op ran).
   */
  schedule?: { text: string; unreached: string[] };
  /** With tracePoints: each fault point an op passed, in the order they were reached. */
  pointsPassed?: { op: string; point: FaultPoint }[];
}

export interface RunReport {
  runId: string;
  seed: number;
  /** The scenarios the results belong to, in the order they ran, with what each demonstrates. */
  scenarios: { name: string; summary: string; explanation: string }[];
  stack: { mode: 'local' | 'external'; redis: string; postgres: string; toxiproxy: string };
  /** Driver resilience settings the app ran with, printed in every run header. */
  driverSettings: Record<string, string | number | boolean>;
  results: StrategyResult[];
  /** true when every result matched its expectation. */
  ok: boolean;
  durationMs: number;
}
