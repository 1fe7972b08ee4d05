import type { ClientOp, CompletedOp } from '../history/history.js';
import type { CheckInput, CheckResult, Checker, LedgerRow } from './checker.js';

type DebitOp = CompletedOp & { op: Extract<ClientOp, { kind: 'debit' }> };

/** What the app answers, with outcome ok, to a debit it refused: a definite "not applied". */
const DECLINED = 'declined';

/**
 * Bank invariants over debits, in the scenario's unit (yen). For every account the scenario set up
 * that saw debits: (a) initial - applied = final database balance; (b) no balance below zero and no
 * more applied than the account held; (c) each op id applied at most once; (d) the history agrees
 * with the ledger: an ok debit is applied, a failed or declined one is not (a compensated row counts
 * as not applied), an unknown one may be either.
 *
 * Figures: spentTwice (yen applied beyond the initial balances), applied, initial, final (sums over
 * the checked accounts), failedButApplied, okButMissing, duplicates (extra applied rows),
 * unknownApplied (unknown debits the database applied; not a violation).
 */
export const bankChecker: Checker = { name: 'bank', check };

interface Tally {
  findings: string[];
  figures: Record<string, number>;
  violated: boolean;
}

function check(input: CheckInput): CheckResult {
  const tally: Tally = {
    findings: [],
    figures: {
      spentTwice: 0,
      applied: 0,
      initial: 0,
      final: 0,
      failedButApplied: 0,
      okButMissing: 0,
      duplicates: 0,
      unknownApplied: 0,
    },
    violated: false,
  };
  const debits = input.history.filter(isDebit);
  const applied = input.final.ledger.filter((r) => r.status === 'applied');

  for (const [key, initial] of Object.entries(input.initial.db).sort(([a], [b]) => a.localeCompare(b))) {
    const touched = input.final.ledger.some((r) => r.key === key) || debits.some((o) => o.op.key === key);
    if (!touched) continue;
    checkAccount(key, initial, input.final.db[key], applied.filter((r) => r.key === key), tally);
  }
  checkAppliedOnce(applied, tally);
  for (const op of debits) checkAgreement(op, input.final.ledger, tally);

  const { spentTwice = 0, failedButApplied = 0, okButMissing = 0, duplicates = 0 } = tally.figures;
  const summary = [
    spentTwice > 0 && `${spentTwice} yen spent twice`,
    failedButApplied > 0 && `${failedButApplied} failed but charged`,
    okButMissing > 0 && `${okButMissing} ok but not applied`,
    duplicates > 0 && `${duplicates} applied twice`,
  ].filter(Boolean);
  return {
    checker: 'bank',
    verdict: tally.violated ? 'inconsistent' : 'consistent',
    findings: tally.findings,
    figures: tally.figures,
    ...(tally.violated ? { summary: summary.join(', ') || 'balance off' } : {}),
  };
}

function isDebit(op: CompletedOp): op is DebitOp {
  return op.op.kind === 'debit';
}

function add(tally: Tally, figure: string, amount: number): void {
  tally.figures[figure] = (tally.figures[figure] ?? 0) + amount;
}

function violation(tally: Tally, finding: string): void {
  tally.violated = true;
  tally.findings.push(finding);
}

/** (a) conservation and (b) no negative balance, no overspend, for one account. */
function checkAccount(key: string, initial: number, final: number | undefined, applied: LedgerRow[], tally: Tally): void {
  const spent = sum(applied);
  const expected = initial - spent;
  add(tally, 'initial', initial);
  add(tally, 'applied', spent);

  if (spent > initial) {
    add(tally, 'spentTwice', spent - initial);
    violation(tally, `${key}: ${spent} applied against a balance of ${initial}: ${spent - initial} spent twice`);
  }
  if (final === undefined) {
    violation(tally, `${key}: the database has no balance; expected ${expected} (${initial} - ${spent} applied)`);
    return;
  }
  add(tally, 'final', final);
  if (final !== expected) {
    violation(
      tally,
      `${key}: initial ${initial} - applied ${spent} = ${expected}, but the database holds ${final} ` +
        `(off by ${final - expected})`,
    );
  }
  if (final < 0) violation(tally, `${key}: balance ${final} is below zero`);
}

/** (c) one applied ledger row per op id at most. */
function checkAppliedOnce(applied: LedgerRow[], tally: Tally): void {
  const byOp = new Map<string, LedgerRow[]>();
  for (const row of applied) byOp.set(row.opId, [...(byOp.get(row.opId) ?? []), row]);
  for (const [opId, rows] of byOp) {
    if (rows.length < 2) continue;
    add(tally, 'duplicates', rows.length - 1);
    const keys = [...new Set(rows.map((r) => r.key))].join(', ');
    violation(tally, `${opId} applied ${rows.length} times on ${keys}: ${sum(rows)} debited in total`);
  }
}

/** (d) what the client was told against what the database did. */
function checkAgreement(op: DebitOp, ledger: LedgerRow[], tally: Tally): void {
  const rows = ledger.filter((r) => r.opId === op.id);
  const appliedRows = rows.filter((r) => r.status === 'applied');
  const isApplied = appliedRows.length > 0;
  const what = `${isApplied ? sum(appliedRows) : op.op.amount} from ${op.op.key}`;

  if (op.outcome === 'unknown') {
    if (isApplied) {
      add(tally, 'unknownApplied', 1);
      tally.findings.push(`${op.id} outcome unknown: the database applied it (${what})`);
    }
    return;
  }
  const declined = op.outcome === 'ok' && op.value === DECLINED;
  if (op.outcome === 'ok' && !declined) {
    if (isApplied) return;
    add(tally, 'okButMissing', 1);
    const compensated = rows.some((r) => r.status === 'compensated');
    violation(
      tally,
      compensated
        ? `${op.id} was reported ok but the database compensated it (${op.op.amount} refunded to ${op.op.key})`
        : `${op.id} was reported ok but the database has no applied debit for it (${what})`,
    );
    return;
  }
  if (!isApplied) return;
  add(tally, 'failedButApplied', 1);
  violation(tally, `${op.id} was reported ${declined ? 'declined' : 'failed'} but the database applied it (${what})`);
}

function sum(rows: LedgerRow[]): number {
  return rows.reduce((total, r) => total + r.amount, 0);
}
