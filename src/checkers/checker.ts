import type { CompletedOp } from '../history/history.js';

export type Verdict = 'consistent' | 'inconsistent' | 'unknown';

/** What both real stores held after the heal phase, read directly (not through the fault proxy). */
export interface StoreSnapshot {
  /** The records table: key -> integer value (balance, stock, price). */
  db: Record<string, number>;
  /**
   * Every data key of the run's cache namespace that is not a set: key -> raw string value (a list,
   * hash, sorted set or stream as JSON of its content). Keys are without the run prefix.
   */
  cache: Record<string, { value: string; ttlMs: number | null }>;
  /** Debits the database applied (the payments / orders ledger), by op id. */
  ledger: LedgerRow[];
  /**
   * Set members (e.g. order ids) per set key, in the database (distinct) and in the cache, sorted;
   * TTL of the cache set; and every database row of the set, duplicates included, in the order
   * written (absent: one row per member, write time unknown).
   */
  sets: Record<string, { db: string[]; cache: string[]; ttlMs?: number | null; rows?: SetRow[] }>;
  /** Every row of the orders table (one unit sold each), in insertion order. */
  orders: OrderRow[];
  /**
   * The strategies' bookkeeping under `_meta:` (2PC intents, lease tokens, versions, streams):
   * shown apart, never compared with the database nor counted as data.
   */
  meta: Record<string, { type: string; value: string | string[]; ttlMs: number | null }>;
  /** How far a database time converted to the history's clock (SetRow.writtenAt) may be off, ms. */
  dbClockErrorMs?: number;
}

/** One database row of a set. */
export interface SetRow {
  item: string;
  /**
   * When the database wrote it, ms on the history's clock (converted from the database server's
   * clock, within StoreSnapshot.dbClockErrorMs); null when not known.
   */
  writtenAt: number | null;
}

export interface LedgerRow {
  opId: string;
  key: string;
  amount: number;
  /** applied: the debit stands; compensated: a saga refunded it. */
  status: 'applied' | 'compensated';
}

export interface OrderRow {
  /** The order op's id. */
  opId: string;
  /** The records key holding the item's stock. */
  item: string;
}

/** What the scenario set up, so checkers know where the run started. */
export interface InitialState {
  db: Record<string, number>;
}

export interface CheckInput {
  history: CompletedOp[];
  initial: InitialState;
  final: StoreSnapshot;
  /** When the final snapshot had been read, ms since the run started (the history's clock). */
  finalAt: number;
  /** Keys whose cached value only feeds display (authorization reads the database). */
  displayOnlyKeys: string[];
  /** Staleness a display key may have if a TTL bounds it, ms. */
  stalenessBudgetMs: number;
}

export interface CheckResult {
  checker: string;
  verdict: Verdict;
  /** Each a sentence a user can read: "payment p1 was reported failed but the database applied it". */
  findings: string[];
  /** Named figures in the scenario's units, e.g. { spentTwice: 1000 }. */
  figures: Record<string, number>;
  /** What went wrong in a few words ("1000 yen spent twice"), for the matrix; absent when nothing did. */
  summary?: string;
}

export interface Checker {
  name: string;
  check(input: CheckInput): CheckResult;
}

/** A named figure of one checker's result, 0 when that checker did not run or has no such figure. */
export const figureOf = (checks: CheckResult[], checker: string, name: string): number =>
  checks.find((c) => c.checker === checker)?.figures[name] ?? 0;

const rank: Record<Verdict, number> = { consistent: 0, unknown: 1, inconsistent: 2 };

/** The worst verdict wins: inconsistent over unknown over consistent. */
export function worst(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((a, b) => (rank[b] > rank[a] ? b : a), 'consistent');
}

/** Runs every checker; one that throws yields `unknown` with the error as its finding, never a crash. */
export function runCheckers(checkers: Checker[], input: CheckInput): CheckResult[] {
  return checkers.map((c) => {
    try {
      return c.check(input);
    } catch (err) {
      return {
        checker: c.name,
        verdict: 'unknown',
        findings: [`checker crashed: ${err instanceof Error ? err.message : String(err)}`],
        figures: {},
      };
    }
  });
}
