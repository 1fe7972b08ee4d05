import type { DbDriver, Row, Tx } from '../../src/drivers/postgres.js';
import type { AtomicCommand, CacheEntry, CacheItem, RedisDriver } from '../../src/drivers/redis.js';
import type { StreamCommands } from '../../src/drivers/redis-streams.js';
import { failed, ok, type Result } from '../../src/drivers/result.js';
import type { FaultPoint } from '../../src/strategies/fault-points.js';
import type { OpContext, StrategyDeps } from '../../src/strategies/strategy.js';

/*
 * In-memory stand-ins for the two drivers, for unit tests of the strategies' decisions. Both keep
 * the drivers' contract (every call resolves to ok / fail / unknown, nothing throws) and can be told
 * to answer fail or unknown for one call. Each call is written to a shared `trace`, in order, next
 * to the op's fault points, so a test can assert what happened before what.
 */

export type Broken = 'fail' | 'unknown';

/** An injected failure. `applied`: the call took effect before its answer was lost (unknown only). */
interface Injected {
  outcome: Broken;
  applied: boolean;
}

export type CacheCommand = Exclude<keyof RedisDriver, 'close' | 'stream'>;

export class FakeCache implements RedisDriver {
  readonly strings = new Map<string, { value: string; ttlMs: number | null }>();
  readonly sets = new Map<string, Set<string>>();
  private readonly failures = new Map<CacheCommand, Injected[]>();

  constructor(private readonly trace: string[] = []) {}

  /** The next `command` call answers `outcome`; with applied (unknown only) it still takes effect. */
  failNext(command: CacheCommand, outcome: Broken, options: { applied?: boolean } = {}): this {
    const queue = this.failures.get(command) ?? [];
    queue.push({ outcome, applied: outcome === 'unknown' && options.applied === true });
    this.failures.set(command, queue);
    return this;
  }

  /** Test setup: a string key, untraced. */
  put(key: string, value: string | number, ttlMs: number | null = null): this {
    this.strings.set(key, { value: String(value), ttlMs });
    return this;
  }

  /** The string at `key`, or undefined. */
  value(key: string): string | undefined {
    return this.strings.get(key)?.value;
  }

  get(key: string): Promise<Result<string | null>> {
    return this.run('get', `get ${key}`, () => this.value(key) ?? null);
  }

  set(key: string, value: string, ttlMs?: number): Promise<Result<void>> {
    return this.run('set', `set ${key} ${value}${ttlText(ttlMs)}`, () => {
      this.sets.delete(key);
      this.strings.set(key, { value, ttlMs: ttlOrNull(ttlMs) });
    });
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<Result<boolean>> {
    return this.run('setIfAbsent', `setIfAbsent ${key} ${value}${ttlText(ttlMs)}`, () => {
      if (this.strings.has(key) || this.sets.has(key)) return false;
      this.strings.set(key, { value, ttlMs: ttlOrNull(ttlMs) });
      return true;
    });
  }

  del(...keys: string[]): Promise<Result<number>> {
    return this.run('del', `del ${keys.join(' ')}`, () => keys.filter((key) => this.remove(key)).length);
  }

  /** Streams are out of reach of this fake: the strategies that use them are tested against real Redis. */
  readonly stream: StreamCommands = new Proxy({} as StreamCommands, {
    get: () => () => Promise.resolve(failed('fail', new Error('FakeCache has no streams'))),
  });

  /** set and del only; the commands of the write-behind strategies are tested against real Redis. */
  atomically(commands: AtomicCommand[]): Promise<Result<void>> {
    const text = commands.map((c) => c.join(' ')).join('; ');
    return this.run('atomically', `atomically ${text}`, () => {
      for (const [command, key, ...args] of commands) {
        if (command === 'del') this.remove(key);
        else if (command !== 'set') throw new Error(`FakeCache.atomically does not run ${command}`);
        else this.strings.set(key, { value: args[0] ?? '', ttlMs: args[1] === 'PX' ? Number(args[2]) : null });
      }
    });
  }

  entry(key: string): Promise<Result<CacheEntry | null>> {
    return this.run('entry', `entry ${key}`, () => this.strings.get(key) ?? null);
  }

  /** Lua is out of reach of an in-memory fake: the strategies that use it are tested against real Redis. */
  evalScript(script: string, keys: string[]): Promise<Result<number>> {
    this.trace.push(`cache evalScript ${keys.join(' ')}`);
    return Promise.resolve(failed('fail', new Error(`FakeCache does not run Lua (${script.length} bytes)`)));
  }

  incrBy(key: string, delta: number): Promise<Result<number>> {
    return this.run('incrBy', `incrBy ${key} ${delta}`, () => {
      const next = Number(this.value(key) ?? 0) + delta;
      this.strings.set(key, { value: String(next), ttlMs: this.strings.get(key)?.ttlMs ?? null });
      return next;
    });
  }

  adjustCounter(key: string, delta: number): Promise<Result<number | 'missing' | 'insufficient'>> {
    return this.run('adjustCounter', `adjustCounter ${key} ${delta}`, () => {
      const current = this.value(key);
      if (current === undefined) return 'missing' as const;
      const next = Number(current) + delta;
      if (next < 0) return 'insufficient' as const;
      this.strings.set(key, { value: String(next), ttlMs: this.strings.get(key)?.ttlMs ?? null });
      return next;
    });
  }

  sadd(key: string, member: string): Promise<Result<void>> {
    return this.run('sadd', `sadd ${key} ${member}`, () => {
      const set = this.sets.get(key) ?? new Set<string>();
      this.sets.set(key, set.add(member));
    });
  }

  smembers(key: string): Promise<Result<string[]>> {
    return this.run('smembers', `smembers ${key}`, () => [...(this.sets.get(key) ?? [])].sort());
  }

  keys(): Promise<Result<string[]>> {
    return this.run('keys', 'keys', () => this.allKeys());
  }

  dump(): Promise<Result<CacheItem[]>> {
    return this.run('dump', 'dump', () =>
      this.allKeys().map((key): CacheItem => {
        const string = this.strings.get(key);
        if (string) return { key, type: 'string', value: string.value, ttlMs: string.ttlMs };
        return { key, type: 'set', value: [...(this.sets.get(key) ?? [])].sort(), ttlMs: null };
      }),
    );
  }

  clear(): Promise<Result<number>> {
    return this.run('clear', 'clear', () => this.allKeys().filter((key) => this.remove(key)).length);
  }

  ping(): Promise<Result<void>> {
    return this.run('ping', 'ping', () => undefined);
  }

  /** No replicas here: none acknowledges. */
  waitReplicas(replicas: number, timeoutMs: number): Promise<Result<number>> {
    return this.run('waitReplicas', `wait ${replicas} ${timeoutMs}`, () => 0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private run<T>(command: CacheCommand, text: string, effect: () => T): Promise<Result<T>> {
    this.trace.push(`cache ${text}`);
    const injected = this.failures.get(command)?.shift();
    if (injected === undefined) return Promise.resolve(ok(effect()));
    if (injected.applied) effect();
    return Promise.resolve(failed(injected.outcome, new Error(`injected ${injected.outcome}: ${command}`)));
  }

  private remove(key: string): boolean {
    const removed = this.strings.delete(key);
    return this.sets.delete(key) || removed;
  }

  private allKeys(): string[] {
    return [...new Set([...this.strings.keys(), ...this.sets.keys()])].sort();
  }
}

const ttlOrNull = (ttlMs: number | undefined): number | null => (ttlMs !== undefined && ttlMs > 0 ? ttlMs : null);
const ttlText = (ttlMs: number | undefined): string => (ttlOrNull(ttlMs) === null ? '' : ` px ${ttlMs}`);

export interface LedgerRow {
  opId: string;
  key: string;
  amount: number;
  status: string;
}

/** The tables the strategies use (src/runner/stores.ts), as plain data. */
export interface Tables {
  records: Map<string, number>;
  ledger: LedgerRow[];
  appliedOps: Set<string>;
}

const copy = (t: Tables): Tables => ({
  records: new Map(t.records),
  ledger: t.ledger.map((row) => ({ ...row })),
  appliedOps: new Set(t.appliedOps),
});

/**
 * Exactly the statements the strategies send, by their SQL text; anything else throws, so a
 * strategy that changes its SQL fails its tests instead of being half-understood.
 */
const statements: Record<string, (t: Tables, p: unknown[]) => Row[]> = {
  'SELECT value FROM records WHERE key = $1': (t, [key]) => valueRows(t, String(key)),
  'SELECT key, value FROM records WHERE key = ANY($1)': (t, [keys]) =>
    (keys as string[]).flatMap((key) => valueRows(t, key).map((row) => ({ key, ...row }))),
  'SELECT value FROM records WHERE key = $1 FOR UPDATE': (t, [key]) => valueRows(t, String(key)),
  'UPDATE records SET value = $2 WHERE key = $1': (t, [key, value]) => {
    update(t, String(key), () => Number(value));
    return [];
  },
  'UPDATE records SET value = value - $2 WHERE key = $1': (t, [key, amount]) => {
    update(t, String(key), (v) => v - Number(amount));
    return [];
  },
  'UPDATE records SET value = value - $2 WHERE key = $1 RETURNING value': (t, [key, amount]) =>
    update(t, String(key), (v) => v - Number(amount)),
  'UPDATE records SET value = value + $2 WHERE key = $1': (t, [key, amount]) => {
    update(t, String(key), (v) => v + Number(amount));
    return [];
  },
  'UPDATE records SET value = value - $2 WHERE key = $1 AND value >= $2 RETURNING value': (t, [key, amount]) =>
    update(t, String(key), (v) => v - Number(amount), (v) => v >= Number(amount)),
  'INSERT INTO ledger (op_id, key, amount) VALUES ($1, $2, $3)': (t, [opId, key, amount]) => {
    t.ledger.push({ opId: String(opId), key: String(key), amount: Number(amount), status: 'applied' });
    return [];
  },
  "UPDATE ledger SET status = 'compensated' WHERE op_id = $1": (t, [opId]) => {
    for (const row of t.ledger) if (row.opId === String(opId)) row.status = 'compensated';
    return [];
  },
  'INSERT INTO applied_ops (op_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING op_id': (t, [opId]) => {
    if (t.appliedOps.has(String(opId))) return [];
    t.appliedOps.add(String(opId));
    return [{ op_id: String(opId) }];
  },
};

/** bigint comes back from pg as a string. */
const valueRows = (t: Tables, key: string): Row[] => {
  const value = t.records.get(key);
  return value === undefined ? [] : [{ value: String(value) }];
};

function update(t: Tables, key: string, next: (v: number) => number, where: (v: number) => boolean = () => true): Row[] {
  const value = t.records.get(key);
  if (value === undefined || !where(value)) return [];
  t.records.set(key, next(value));
  return [{ value: String(next(value)) }];
}

/**
 * The database: committed tables, and transactions that work on a copy and replace them on COMMIT
 * (no concurrency: one op at a time). As createDbDriver: inside a transaction every failed
 * statement answers `fail` and ends the transaction, whatever outcome was injected.
 */
export class FakeDb implements DbDriver {
  tables: Tables = { records: new Map(), ledger: [], appliedOps: new Set() };
  private readonly failures: { sql: string; injected: Injected }[] = [];
  private readonly beginFailures: Broken[] = [];
  private readonly commitFailures: Injected[] = [];

  constructor(private readonly trace: string[] = []) {}

  /** The next execution of exactly `sql` answers `outcome`; with applied (unknown only) it still takes effect. */
  failStatement(sql: string, outcome: Broken, options: { applied?: boolean } = {}): this {
    if (statements[sql] === undefined) throw new Error(`FakeDb does not know this statement: ${sql}`);
    this.failures.push({ sql, injected: { outcome, applied: outcome === 'unknown' && options.applied === true } });
    return this;
  }

  /** The next BEGIN answers `outcome` (createDbDriver answers fail for every BEGIN error). */
  failBegin(outcome: Broken = 'fail'): this {
    this.beginFailures.push(outcome);
    return this;
  }

  /** The next COMMIT answers `outcome`; with applied (unknown only) the transaction was committed. */
  failCommit(outcome: Broken, options: { applied?: boolean } = {}): this {
    this.commitFailures.push({ outcome, applied: outcome === 'unknown' && options.applied === true });
    return this;
  }

  /** Test setup: a row of the records table. */
  record(key: string, value: number): this {
    this.tables.records.set(key, value);
    return this;
  }

  /** The committed value of `key`, or undefined. */
  value(key: string): number | undefined {
    return this.tables.records.get(key);
  }

  query<R extends Row = Row>(sql: string, params: unknown[] = []): Promise<Result<R[]>> {
    const working = copy(this.tables);
    const result = this.execute<R>(working, sql, params);
    if (result.applied) this.tables = working;
    return Promise.resolve(result.answer);
  }

  begin(): Promise<Result<Tx>> {
    this.trace.push('db BEGIN');
    const outcome = this.beginFailures.shift();
    if (outcome !== undefined) return Promise.resolve(failed(outcome, new Error(`injected ${outcome}: BEGIN`)));
    return Promise.resolve(ok(this.transactionOn(copy(this.tables))));
  }

  async transaction<T>(body: (tx: Tx) => Promise<Result<T>>): Promise<Result<T>> {
    const tx = await this.begin();
    if (tx.outcome !== 'ok') return tx;
    const res = await body(tx.value);
    if (res.outcome !== 'ok') {
      await tx.value.rollback();
      return res;
    }
    const commit = await tx.value.commit();
    return commit.outcome === 'ok' ? res : commit;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private transactionOn(working: Tables): Tx {
    let done = false;
    const end = (): void => {
      done = true;
      this.trace.push('db ROLLBACK');
    };
    return {
      query: <R extends Row>(sql: string, params: unknown[] = []) => {
        if (done) return Promise.resolve(failed('fail', new Error('transaction already finished')));
        const result = this.execute<R>(working, sql, params);
        if (result.answer.outcome === 'ok') return Promise.resolve(result.answer);
        end();
        return Promise.resolve(failed('fail', result.answer.error));
      },
      commit: () => {
        if (done) return Promise.resolve(failed('fail', new Error('transaction already finished')));
        done = true;
        this.trace.push('db COMMIT');
        const injected = this.commitFailures.shift();
        if (injected === undefined || injected.applied) this.tables = working;
        return Promise.resolve(injected ? failed(injected.outcome, new Error(`injected ${injected.outcome}: COMMIT`)) : ok(undefined));
      },
      rollback: () => {
        if (!done) end();
        return Promise.resolve();
      },
    };
  }

  private execute<R extends Row>(t: Tables, sql: string, params: unknown[]): { answer: Result<R[]>; applied: boolean } {
    const run = statements[sql];
    if (run === undefined) throw new Error(`FakeDb does not know this statement: ${sql}`);
    this.trace.push(`db ${sql}`);
    const index = this.failures.findIndex((f) => f.sql === sql);
    const injected = index === -1 ? undefined : this.failures.splice(index, 1)[0]?.injected;
    if (injected === undefined) return { answer: ok(run(t, params) as R[]), applied: true };
    if (injected.applied) run(t, params);
    return { answer: failed(injected.outcome, new Error(`injected ${injected.outcome}: ${sql}`)), applied: injected.applied };
  }
}

export interface FakeOp extends OpContext {
  /** The fault points the strategy passed, in order. */
  points: FaultPoint[];
}

/** An op whose fault points only record themselves (in `points` and the trace) and run `at`, if given. */
export function fakeOp(id: string, trace: string[] = [], at: Partial<Record<FaultPoint, () => void>> = {}): FakeOp {
  const points: FaultPoint[] = [];
  return {
    id,
    points,
    point: (name) => {
      points.push(name);
      trace.push(`point ${name}`);
      at[name]?.();
      return undefined;
    },
  };
}

/** A strategy's dependencies on fresh fakes sharing one trace. */
export function fakeDeps(cacheTtlMs = 0): { cache: FakeCache; db: FakeDb; trace: string[]; deps: StrategyDeps } {
  const trace: string[] = [];
  const cache = new FakeCache(trace);
  const db = new FakeDb(trace);
  return { cache, db, trace, deps: { cache, db, cacheTtlMs, point: () => undefined } };
}
