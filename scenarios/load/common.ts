import type { CheckResult, Verdict } from '../../src/checkers/checker.js';
import { defaultBudget, type LoadBudget } from '../../src/checkers/load-budget.js';
import type { Scenario } from '../../src/runner/scenario.js';

/*
 * What the load scenarios share. The load is paced (think time), so the offered load is about
 * concurrency / think time on any machine, and the database is made as slow as a real one (a
 * latency on its link): the budget's ratios then depend on the strategy, not on how busy the
 * machine is.
 */

/** A query costs the database this long, ms (a latency on its link for the whole load). */
export const DB_LATENCY_MS = 20;
/**
 * Workers per app and their pause between requests: at most 40 / 61 ms = 650 requests/s per app.
 * When every read needs the database (4 connections x 1 query / 20 ms = 200 queries/s at most), a
 * request waits about 40 / 200 - 60 ms = 140 ms, mostly for a connection.
 */
export const CONCURRENCY = 40;
export const THINK_MS = 60;
/**
 * Buckets of a second: a steady state of 10% misses puts about 50 queries in each, so neither the
 * draws nor a loaded machine's uneven pace make the peak's ratio.
 */
export const BUCKET_MS = 1_000;
export const PREFIX = 'item:';

/** Rows item:0..item:n-1, each worth its index. */
export function itemRecords(n: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`${PREFIX}${i}`, i]));
}

/** The first `n` item keys (the hot ones). */
export const hotKeys = (n: number): string[] => Array.from({ length: n }, (_, i) => `${PREFIX}${i}`);

/** The budget for every load scenario; `perExpiry` for a hot key. */
export const budget = (perExpiry?: number): LoadBudget => ({ ...defaultBudget, ...(perExpiry !== undefined && { queriesPerExpiry: perExpiry }) });

export function loadContract(workloadFaults: string[]): Scenario['contract'] {
  return {
    tables: [{ name: 'records', columns: ['key', 'value'], rule: 'read only: the load reads item:<i> (value i) through the strategy; nothing is written' }],
    cache: 'not compared: the load-budget check judges what the database and the requests went through, bucket by bucket',
    operations: { read: 'answer the value of the key (from the cache or the database), saying cacheHit when it can' },
    points: {},
    workloadFaults,
  };
}

const loadCheck = (checks: CheckResult[]): CheckResult | undefined => checks.find((c) => c.checker === 'load-budget');

/** The limits that broke, as the business feels them. */
export function impact(checks: CheckResult[]): string[] {
  const check = loadCheck(checks);
  if (!check || check.verdict !== 'inconsistent') return [];
  return [check.summary ?? 'over budget'];
}

/** The budget check's first finding: which limit broke and by how much, or that it held. */
export function measured(verdict: Verdict, checks: CheckResult[]): string {
  const check = loadCheck(checks);
  const finding = check?.findings[0] ?? '';
  return verdict === 'inconsistent' ? `Over budget: ${(check?.findings ?? []).join('; ')}.` : `${finding.charAt(0).toUpperCase()}${finding.slice(1)}.`;
}
