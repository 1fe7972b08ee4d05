import type { ClientOp, CompletedOp } from '../history/history.js';
import type { CheckInput, CheckResult, Checker, SetRow } from './checker.js';

type AddOp = CompletedOp & { op: Extract<ClientOp, { kind: 'add' }> };

/** Items named in one finding; the rest are counted. */
const LISTED = 10;

/**
 * Jepsen's set-full for sets written through a cache (a customer's orders): after recovery every
 * item whose `add` was acknowledged ok is in the database (else lost); no item sits only in the
 * cache (cache-only: the customer sees an order the business does not have); no item has two
 * database rows (duplicated: written twice); no item whose add failed is in the database. An
 * unknown add may be in the database or not: it is counted apart, never a violation. Checks every
 * set in the snapshot and every set the history added to (an absent set is empty).
 *
 * Durability latency: for each acknowledged item in the database, its first row's write time minus
 * its acknowledgement (the ok add's completion), both on the history's clock; 0 when the row was
 * written before the acknowledgement (the database first, as an outbox does).
 *
 * Figures: acknowledged (distinct ok items), inDatabase (of those, with a row), lost, cacheOnly,
 * duplicated (items with more than one row), unknown (items whose adds were all unknown),
 * unknownInDatabase, failed (items whose adds all failed: refused), failedButPresent; with write times, durableP50Ms, durableP95Ms, durableMaxMs
 * and dbClockErrorMs (how far each may be off).
 */
export const setChecker: Checker = { name: 'set', check };

function check(input: CheckInput): CheckResult {
  const adds = input.history.filter(isAdd);
  const keys = [...new Set([...Object.keys(input.final.sets), ...adds.map((o) => o.op.key)])].sort();
  const findings: string[] = [];
  const figures: Record<string, number> = {
    acknowledged: 0,
    inDatabase: 0,
    lost: 0,
    cacheOnly: 0,
    duplicated: 0,
    unknown: 0,
    unknownInDatabase: 0,
    failed: 0,
    failedButPresent: 0,
  };
  const count = (name: string, n: number): number => (figures[name] = (figures[name] ?? 0) + n);
  const latencies: number[] = [];

  for (const key of keys) {
    const set = input.final.sets[key];
    const rows: SetRow[] = set?.rows ?? (set?.db ?? []).map((item) => ({ item, writtenAt: null }));
    const rowsOf = groupRows(rows);
    const inDb = (item: string): boolean => rowsOf.has(item);
    const mine = adds.filter((o) => o.op.key === key);
    const acked = new Map<string, number>();
    for (const o of mine) if (o.outcome === 'ok') acked.set(o.op.item, Math.min(acked.get(o.op.item) ?? Infinity, o.completedAt));
    const attempted = (outcome: 'unknown' | 'fail'): string[] =>
      distinct(mine.filter((o) => o.outcome === outcome).map((o) => o.op.item)).filter((item) => !acked.has(item));
    const unknown = attempted('unknown');
    const failed = attempted('fail').filter((item) => !unknown.includes(item));

    const lost = [...acked.keys()].filter((item) => !inDb(item));
    const cacheOnly = distinct(set?.cache ?? []).filter((item) => !inDb(item)).sort(natural);
    const duplicated = [...rowsOf].filter(([, r]) => r.length > 1);
    const failedButPresent = failed.filter(inDb);
    const unknownInDb = unknown.filter(inDb);

    count('acknowledged', acked.size);
    count('inDatabase', acked.size - lost.length);
    count('lost', lost.length);
    count('cacheOnly', cacheOnly.length);
    count('duplicated', duplicated.length);
    count('unknown', unknown.length);
    count('unknownInDatabase', unknownInDb.length);
    count('failed', failed.length);
    count('failedButPresent', failedButPresent.length);
    for (const [item, ackAt] of acked) {
      const writtenAt = rowsOf.get(item)?.[0]?.writtenAt;
      if (writtenAt !== undefined && writtenAt !== null) latencies.push(Math.max(0, writtenAt - ackAt));
    }

    if (lost.length > 0) findings.push(`${key}: ${lost.length} lost: acknowledged but not in the database: ${list(lost)}`);
    if (cacheOnly.length > 0) findings.push(`${key}: ${cacheOnly.length} cache-only: in the cache but not in the database: ${list(cacheOnly)}`);
    if (duplicated.length > 0) {
      const named = duplicated.map(([item, r]) => `${item} (${r.length} rows)`);
      findings.push(`${key}: ${duplicated.length} written more than once: ${list(named)}`);
    }
    if (failedButPresent.length > 0) {
      findings.push(`${key}: ${failedButPresent.length} reported failed but in the database: ${list(failedButPresent)}`);
    }
    if (unknown.length > 0) {
      findings.push(
        `${key}: ${unknown.length} with an unknown outcome (allowed either way), ${unknownInDb.length} of them in the database: ${list(unknown)}`,
      );
    }
  }

  if (latencies.length > 0) {
    const sorted = latencies.sort((a, b) => a - b);
    const [p50, p95, max] = [quantile(sorted, 0.5), quantile(sorted, 0.95), quantile(sorted, 1)];
    Object.assign(figures, { durableP50Ms: p50, durableP95Ms: p95, durableMaxMs: max });
    const error = input.final.dbClockErrorMs;
    if (error !== undefined) figures.dbClockErrorMs = round(error);
    findings.push(
      `durable after the acknowledgement (${sorted.length} acknowledged items, 0 = written before it): ` +
        `p50 ${ms(p50)}, p95 ${ms(p95)}, max ${ms(max)}${error === undefined ? '' : ` (clocks compared within ${ms(round(error))})`}`,
    );
  }

  const violated = (figures.lost ?? 0) + (figures.cacheOnly ?? 0) + (figures.duplicated ?? 0) + (figures.failedButPresent ?? 0) > 0;
  const { lost = 0, cacheOnly = 0, duplicated = 0, failedButPresent = 0 } = figures;
  const summary = [
    lost > 0 && `${lost} orders lost`,
    cacheOnly > 0 && `${cacheOnly} only in the cache`,
    duplicated > 0 && `${duplicated} duplicated`,
    failedButPresent > 0 && `${failedButPresent} failed but stored`,
  ].filter(Boolean);
  return { checker: 'set', verdict: violated ? 'inconsistent' : 'consistent', findings, figures, ...(violated ? { summary: summary.join(', ') } : {}) };
}

function isAdd(op: CompletedOp): op is AddOp {
  return op.op.kind === 'add';
}

/** Rows per item, in the order written. */
function groupRows(rows: SetRow[]): Map<string, SetRow[]> {
  const by = new Map<string, SetRow[]>();
  for (const row of rows) by.set(row.item, [...(by.get(row.item) ?? []), row]);
  return by;
}

const distinct = (items: string[]): string[] => [...new Set(items)];
/** o2 before o10. */
const natural = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Nearest rank: the smallest value with at least q of the values at or below it. */
function quantile(sorted: number[], q: number): number {
  return round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0);
}

const round = (n: number): number => Math.round(n * 10) / 10;
const ms = (n: number): string => `${n} ms`;

function list(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
