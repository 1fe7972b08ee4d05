import type { ClientOp, CompletedOp, Outcome } from '../history/history.js';
import type { CheckInput, CheckResult, Checker, OrderRow } from './checker.js';

type OrderOp = CompletedOp & { op: Extract<ClientOp, { kind: 'order' }> };

/** Order ids named in one finding; the rest are counted. */
const LISTED = 8;

/**
 * Jepsen's counter for stock, in units (one unit per order). For every item that saw orders or
 * order rows: units sold lie between the ok orders and the ok + unknown orders, so the database's
 * order rows must too; accepted (ok) orders never exceed the initial stock; every ok order has an
 * order row (else it is lost); no failed order has one, and no order has two; the database stock
 * is the initial stock minus its order rows, and never below zero. An unknown order widens the
 * bounds: its row may or may not be there, and neither counts against the run.
 *
 * Figures (sums over the checked items): accepted (ok orders), initial (stock before the run),
 * finalStock (database stock after the heal phase), orderRows, oversold (max(0, accepted -
 * initial) per item: units sold that never existed), lost (ok orders without an order row),
 * unknown (orders whose outcome is unknown).
 */
export const counterChecker: Checker = { name: 'counter', check };

interface Tally {
  findings: string[];
  figures: { accepted: number; initial: number; finalStock: number; orderRows: number; oversold: number; lost: number; unknown: number };
  violated: boolean;
}

function check(input: CheckInput): CheckResult {
  const orders = input.history.filter(isOrder);
  const items = [...new Set([...orders.map((o) => o.op.key), ...input.final.orders.map((r) => r.item)])].sort();
  const tally: Tally = {
    findings: [],
    figures: { accepted: 0, initial: 0, finalStock: 0, orderRows: 0, oversold: 0, lost: 0, unknown: 0 },
    violated: false,
  };
  for (const item of items) {
    checkItem(
      item,
      input.initial.db[item],
      input.final.db[item],
      orders.filter((o) => o.op.key === item),
      input.final.orders.filter((r) => r.item === item),
      tally,
    );
  }
  const { oversold, lost } = tally.figures;
  const summary = [oversold > 0 && `${oversold} units oversold`, lost > 0 && `${lost} orders lost`].filter(Boolean).join(', ') || 'stock off';
  return {
    checker: 'counter',
    verdict: tally.violated ? 'inconsistent' : 'consistent',
    findings: tally.findings,
    figures: tally.figures,
    ...(tally.violated ? { summary } : {}),
  };
}

function checkItem(item: string, initial: number | undefined, final: number | undefined, orders: OrderOp[], rows: OrderRow[], tally: Tally): void {
  const violation = (finding: string): void => {
    tally.violated = true;
    tally.findings.push(`${item}: ${finding}`);
  };
  const ids = (outcome: Outcome): string[] => orders.filter((o) => o.outcome === outcome).map((o) => o.id);
  const [ok, unknown] = [ids('ok'), ids('unknown')];
  const rowsById = new Map<string, number>();
  for (const row of rows) rowsById.set(row.opId, (rowsById.get(row.opId) ?? 0) + 1);

  const stock = initial ?? 0;
  if (initial === undefined) violation('no initial stock was set up: every order of it is oversold');
  const oversold = Math.max(0, ok.length - stock);
  const lost = ok.filter((id) => !rowsById.has(id));
  const f = tally.figures;
  f.accepted += ok.length;
  f.initial += stock;
  f.orderRows += rows.length;
  f.oversold += oversold;
  f.lost += lost.length;
  f.unknown += unknown.length;

  if (oversold > 0) violation(`${count(ok.length, 'order')} accepted for ${count(stock, 'unit')} in stock: ${oversold} oversold`);
  if (lost.length > 0) violation(`${count(lost.length, 'acknowledged order')} without an order row (lost): ${list(lost)}`);

  // Per order id, which implies the bounds: rows >= ok (none lost), rows <= ok + unknown (a row
  // needs an ok or unknown order, and one row each).
  const allowed = new Set([...ok, ...unknown]);
  const phantoms = [...rowsById.keys()].filter((id) => !allowed.has(id));
  if (phantoms.length > 0) violation(`order rows for orders that were reported failed or never placed: ${list(phantoms)}`);
  const doubled = [...rowsById].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n} rows)`);
  if (doubled.length > 0) violation(`orders recorded more than once: ${list(doubled)}`);
  if (unknown.length > 0) {
    const recorded = unknown.filter((id) => rowsById.has(id)).length;
    tally.findings.push(`${item}: ${count(unknown.length, 'order')} with unknown outcome, ${recorded} of them recorded (either is allowed): ${list(unknown)}`);
  }

  if (final === undefined) {
    violation(`the database has no stock row; expected ${stock - rows.length} (${stock} - ${rows.length} order rows)`);
    return;
  }
  f.finalStock += final;
  if (final !== stock - rows.length) {
    violation(`stock ${final} in the database, but ${stock} - ${rows.length} order rows = ${stock - rows.length} (off by ${final - (stock - rows.length)})`);
  }
  if (final < 0) violation(`stock ${final} is below zero`);
}

function isOrder(op: CompletedOp): op is OrderOp {
  return op.op.kind === 'order';
}

/** "1 order", "4 orders". */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function list(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}
