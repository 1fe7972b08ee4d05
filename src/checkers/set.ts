import type { ClientOp, CompletedOp, Outcome } from '../history/history.js';
import type { CheckInput, CheckResult, Checker } from './checker.js';

type AddOp = CompletedOp & { op: Extract<ClientOp, { kind: 'add' }> };

/** Items named in one finding; the rest are counted. */
const LISTED = 10;

/**
 * Set invariants (orders): every item whose `add` was acknowledged ok is in the database set; no
 * item sits only in the cache; no item whose add failed is in the database. Unknown adds may be
 * either. Checks every set in the snapshot and every set the history added to (an absent set is
 * empty).
 *
 * Figures: lost (acknowledged items missing from the database), cacheOnly (items in the cache but
 * not the database), failedButPresent, acknowledged (distinct ok items).
 */
export const setChecker: Checker = { name: 'set', check };

function check(input: CheckInput): CheckResult {
  const adds = input.history.filter(isAdd);
  const keys = [...new Set([...Object.keys(input.final.sets), ...adds.map((o) => o.op.key)])].sort();
  const findings: string[] = [];
  const figures = { lost: 0, cacheOnly: 0, failedButPresent: 0, acknowledged: 0 };

  for (const key of keys) {
    const db = new Set(input.final.sets[key]?.db ?? []);
    const cache = input.final.sets[key]?.cache ?? [];
    const itemsWith = (outcome: Outcome): string[] =>
      [...new Set(adds.filter((o) => o.op.key === key && o.outcome === outcome).map((o) => o.op.item))];

    const acknowledged = itemsWith('ok');
    const lost = acknowledged.filter((item) => !db.has(item));
    const cacheOnly = [...new Set(cache)].filter((item) => !db.has(item));
    const failedButPresent = itemsWith('fail').filter((item) => db.has(item));

    figures.acknowledged += acknowledged.length;
    figures.lost += lost.length;
    figures.cacheOnly += cacheOnly.length;
    figures.failedButPresent += failedButPresent.length;
    if (lost.length > 0) {
      findings.push(`${key}: ${lost.length} lost: acknowledged but not in the database: ${list(lost)}`);
    }
    if (cacheOnly.length > 0) {
      findings.push(`${key}: ${cacheOnly.length} cache-only: in the cache but not in the database: ${list(cacheOnly)}`);
    }
    if (failedButPresent.length > 0) {
      findings.push(
        `${key}: ${failedButPresent.length} reported failed but in the database: ${list(failedButPresent)}`,
      );
    }
  }

  const violated = figures.lost + figures.cacheOnly + figures.failedButPresent > 0;
  return { checker: 'set', verdict: violated ? 'inconsistent' : 'consistent', findings, figures };
}

function isAdd(op: CompletedOp): op is AddOp {
  return op.op.kind === 'add';
}

function list(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
