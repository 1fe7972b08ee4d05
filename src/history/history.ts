/**
 * The history of a run: every client operation with invoke and completion times and an outcome.
 * Outcomes are three-valued, as in Jepsen:
 * - ok: it happened;
 * - fail: it certainly did not happen;
 * - unknown: timed out or cut after it was sent: it may or may not have happened.
 * Outcomes are classified in drivers/ only; everything above just carries them.
 */
export type Outcome = 'ok' | 'fail' | 'unknown';

/** What a client asks the application server to do. Amounts and values are integers (yen, units). */
export type ClientOp =
  | { kind: 'read'; key: string } // read through the strategy's read path
  | { kind: 'write'; key: string; value: number } // set an absolute value (a price)
  | { kind: 'debit'; key: string; amount: number } // conditional decrement: refused if it would go below 0
  | { kind: 'add'; key: string; item: string } // add an item to a set (an order)
  | { kind: 'order'; key: string }; // buy one unit of the item whose stock is `key`; the op id is the order id

export interface OpRecord {
  /** Unique per run, chosen by the scenario ("p1"); also the idempotency key the app sees. */
  id: string;
  /** Which client issued it ("client-1"). */
  client: string;
  /** The app process that served it, when the run has several (0-based). */
  app?: number;
  op: ClientOp;
  /** ms since the start of this strategy's run. */
  invokedAt: number;
  /** ms since the start of this strategy's run; undefined while in flight. */
  completedAt?: number;
  outcome?: Outcome;
  /** What the app answered: a balance, a read value, "declined". */
  value?: number | string | null;
  /** Why it failed or is unknown, in the app's or the driver's words. */
  error?: string;
}

export type CompletedOp = OpRecord & { completedAt: number; outcome: Outcome };

export class History {
  readonly ops: OpRecord[] = [];
  readonly #start = performance.now();

  now(): number {
    return Math.round((performance.now() - this.#start) * 10) / 10;
  }

  invoke(id: string, client: string, op: ClientOp, app?: number): OpRecord {
    const record: OpRecord = { id, client, ...(app === undefined ? {} : { app }), op, invokedAt: this.now() };
    this.ops.push(record);
    return record;
  }

  complete(record: OpRecord, outcome: Outcome, value?: number | string | null, error?: string): CompletedOp {
    record.completedAt = this.now();
    record.outcome = outcome;
    if (value !== undefined) record.value = value;
    if (error !== undefined) record.error = error;
    return record as CompletedOp;
  }

  /** Ops still in flight become unknown: the app died or the run ended before they answered. */
  closeInFlight(reason: string): void {
    for (const record of this.ops) {
      if (record.outcome === undefined) this.complete(record, 'unknown', undefined, reason);
    }
  }

  completed(): CompletedOp[] {
    return this.ops.filter((o): o is CompletedOp => o.outcome !== undefined);
  }
}
