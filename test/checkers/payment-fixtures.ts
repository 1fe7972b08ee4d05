import type { CheckInput, LedgerRow, StoreSnapshot } from '../../src/checkers/checker.js';
import type { ClientOp, CompletedOp, Outcome } from '../../src/history/history.js';

/** The payment-double-spend setup: account:alice starts at 5000 yen in the database and the cache. */
export const ALICE = 'account:alice';
export const INITIAL = 5000;

let clock = 0;

export function op(id: string, request: ClientOp, outcome: Outcome, answer: { value?: number | string | null; error?: string } = {}): CompletedOp {
  clock += 10;
  return { id, client: 'client-1', op: request, invokedAt: clock, completedAt: clock + 5, outcome, ...answer };
}

export function debit(id: string, amount: number, outcome: Outcome, value?: number | string): CompletedOp {
  return op(id, { kind: 'debit', key: ALICE, amount }, outcome, value === undefined ? {} : { value });
}

export function applied(opId: string, amount: number, status: LedgerRow['status'] = 'applied'): LedgerRow {
  return { opId, key: ALICE, amount, status };
}

/** A check input with alice at 5000 everywhere, no ops and no ledger, overridden piece by piece. */
export function input(parts: Partial<Omit<CheckInput, 'final'>> & { final?: Partial<StoreSnapshot> } = {}): CheckInput {
  const { final, ...rest } = parts;
  return {
    history: [],
    initial: { db: { [ALICE]: INITIAL } },
    displayOnlyKeys: [],
    stalenessBudgetMs: 0,
    finalAt: 1000,
    ...rest,
    final: {
      db: { [ALICE]: INITIAL },
      cache: { [ALICE]: { value: String(INITIAL), ttlMs: null } },
      ledger: [],
      sets: {},
      orders: [],
      meta: {},
      ...final,
    },
  };
}

/**
 * Naive write-through: p1 (1000) commits but its cache SET fails, so the client hears `fail`;
 * p2 (5000) is authorized from the stale cached 5000 and overwrites the balance to 0.
 */
export function naiveWriteThrough(): CheckInput {
  return input({
    history: [debit('p1', 1000, 'fail'), debit('p2', 5000, 'ok', 0)],
    final: {
      db: { [ALICE]: 0 },
      cache: { [ALICE]: { value: '0', ttlMs: null } },
      ledger: [applied('p1', 1000), applied('p2', 5000)],
    },
  });
}

/** p1 commits and is acknowledged, its cache update is lost; p2 is declined by the database. */
export function staleForever(): CheckInput {
  return input({
    history: [debit('p1', 1000, 'ok', 4000), debit('p2', 5000, 'ok', 'declined')],
    final: {
      db: { [ALICE]: 4000 },
      cache: { [ALICE]: { value: '5000', ttlMs: null } },
      ledger: [applied('p1', 1000)],
    },
  });
}

/** As staleForever, but the cached balance is display-only and expires within the 30 s budget. */
export function boundedDisplay(): CheckInput {
  const stale = staleForever();
  return {
    ...stale,
    displayOnlyKeys: [ALICE],
    stalenessBudgetMs: 30_000,
    final: { ...stale.final, cache: { [ALICE]: { value: '5000', ttlMs: 30_000 } } },
  };
}
