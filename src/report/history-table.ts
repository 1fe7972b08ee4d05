import type { ChalkInstance } from 'chalk';
import type { ClientOp, CompletedOp, Outcome } from '../history/history.js';
import { newTable } from './table.js';

/** The recorded history, one row per op; times in ms since the strategy's run started. */
export function renderHistory(history: CompletedOp[], paint: ChalkInstance): string {
  if (history.length === 0) return paint.dim('no operations recorded');
  const table = newTable(paint, ['id', 'client', 'op', 'invoked ms', 'completed ms', 'outcome', 'value / error']);
  for (const op of history) {
    table.push([
      op.id,
      op.app === undefined ? op.client : `${op.client} (app ${op.app})`,
      describeOp(op.op),
      op.invokedAt,
      op.completedAt,
      paintOutcome(op.outcome, paint),
      op.error ?? (op.value === undefined ? '' : String(op.value)),
    ]);
  }
  return table.toString();
}

/** "debit account:alice 1000", "write price:book = 150": one op as a reader says it. */
export function describeOp(op: ClientOp): string {
  switch (op.kind) {
    case 'read':
      return `read ${op.key}`;
    case 'write':
      return `write ${op.key} = ${op.value}`;
    case 'debit':
      return `debit ${op.key} ${op.amount}`;
    case 'add':
      return `add ${op.key} ${op.item}`;
    case 'order':
      return `order 1 of ${op.key}`;
  }
}

function paintOutcome(outcome: Outcome, paint: ChalkInstance): string {
  const colour = { ok: paint.green, fail: paint.red, unknown: paint.yellow }[outcome];
  return colour(outcome);
}
