import type { CheckResult } from '../src/checkers/checker.js';
import type { Scenario, WorkloadContext } from '../src/runner/scenario.js';

/*
 * What the write-behind scenarios share: Alice's orders, placed as `add`s to her order set (the
 * order id is the op id), and their cost in the scenarios' terms, from the set checker's figures.
 */

/** Alice's order set: a Redis set of order ids, and set_items rows in the database. */
export const CUSTOMER = 'orders:alice';
/** o1..o5 are placed while all is well, and written before anything breaks. */
export const CALM = 5;
/** o6..o42 are the burst placed while the database is cut off. */
export const BURST = 37;
export const LAST = CALM + BURST;

/** Orders o<from>..o<to>, all at once (a burst), each from its own checkout. */
export async function placeOrders(ctx: WorkloadContext, from: number, to: number): Promise<void> {
  const orders = [];
  for (let n = from; n <= to; n++) orders.push(ctx.invoke(`checkout-${n}`, `o${n}`, { kind: 'add', key: CUSTOMER, item: `o${n}` }));
  await Promise.all(orders);
}

/**
 * The calm part both scenarios start with: o1..o5, then a wait until the strategy's background
 * work has written them (settle waits for it), so what breaks next meets the burst alone. Then the
 * PostgreSQL link is cut and the burst is placed. The cut comes from the workload, so every
 * strategy meets it.
 */
export async function calmThenBurstDuringCut(ctx: WorkloadContext): Promise<void> {
  await placeOrders(ctx, 1, CALM);
  await ctx.settle();
  await ctx.inject({ kind: 'link-down', link: 'postgres' });
  await placeOrders(ctx, CALM + 1, LAST);
}

/** A figure of the set check. */
export const figure = (checks: CheckResult[], name: string): number => checks.find((c) => c.checker === 'set')?.figures[name] ?? 0;

/** "1 order", "37 orders". */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The cost: orders lost, shown but not recorded, recorded twice, or recorded although refused. */
export function orderImpact(checks: CheckResult[]): string[] {
  const lines: string[] = [];
  const lost = figure(checks, 'lost');
  const cacheOnly = figure(checks, 'cacheOnly');
  const duplicated = figure(checks, 'duplicated');
  const failedButPresent = figure(checks, 'failedButPresent');
  if (lost > 0) lines.push(`${count(lost, 'confirmed order')} lost: acknowledged to the customer, never written to the database`);
  if (cacheOnly > 0) {
    lines.push(`${count(cacheOnly, 'order')} only in the cache: the customer sees them, the business has no record of them (until the set's TTL drops them)`);
  }
  if (duplicated > 0) lines.push(`${count(duplicated, 'order')} recorded twice: charged twice`);
  if (failedButPresent > 0) lines.push(`${count(failedButPresent, 'order')} reported failed but recorded: charged without a confirmation`);
  return lines;
}

/** "durable p50 1200 ms, max 1900 ms after the acknowledgement", or '' without write times. */
export function durability(checks: CheckResult[]): string {
  const set = checks.find((c) => c.checker === 'set')?.figures;
  if (set?.durableP50Ms === undefined) return '';
  return `durable p50 ${set.durableP50Ms} ms, max ${set.durableMaxMs ?? 0} ms after the acknowledgement`;
}

/** What a strategy module must do for the write-behind scenarios; `workloadFaults` per scenario. */
export function ordersContract(workloadFaults: string[]): Scenario['contract'] {
  return {
    tables: [
      {
        name: 'set_items',
        columns: ['key', 'item'],
        rule:
          `each order the business has: one row (key ${CUSTOMER}, item = the order id = op.id), written once; the set checker: ` +
          'every acknowledged order must have its row after recovery, a failed one must not, and no order twice',
      },
    ],
    cache: `${CUSTOMER} in the cache is a Redis set of the order ids the customer sees; an id there with no set_items row is cache-only (inconsistent)`,
    operations: { add: "place the order: answer ok only once it will not be lost; refuse with { outcome: 'fail', error } otherwise" },
    points: {},
    workloadFaults,
  };
}
