import { readFromDb } from './cache-aside.js';
import { broke, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/**
 * At most one call of `fn` in flight per key in this process: callers that come while one runs
 * get its answer instead of starting their own (Go's singleflight). The entry is dropped when the
 * call settles, so the next caller after that starts afresh.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const inFlight = this.#flights.get(key);
    if (inFlight) return inFlight;
    const flight = fn().finally(() => this.#flights.delete(key));
    this.#flights.set(key, flight);
    return flight;
  }

  /** Calls in flight now. */
  get size(): number {
    return this.#flights.size;
  }
}

/**
 * Cache-aside whose misses of one key share one fill per process: the first miss reads the
 * database and fills; the misses that come meanwhile wait for its answer. The fill looks at the
 * cache once more before the database: a miss that came just after the previous fill landed finds
 * the value there, instead of querying for a key another fill has just written.
 */
export async function singleFlightRead(deps: StrategyDeps, flights: SingleFlight<OpResult>, key: string, op: OpContext): Promise<OpResult> {
  const cached = await deps.cache.get(key);
  if (cached.outcome === 'ok' && cached.value !== null) {
    await op.point('after-cache-read');
    return { outcome: 'ok', value: Number(cached.value), cacheHit: true };
  }
  // The cache cannot be reached: no fill to share, the database answers as in cache-aside.
  if (cached.outcome !== 'ok') return readFromDb(deps, key, op, false);
  return flights.run(key, () => fill(deps, key, op));
}

async function fill(deps: StrategyDeps, key: string, op: OpContext): Promise<OpResult> {
  const again = await deps.cache.get(key);
  if (again.outcome === 'ok' && again.value !== null) return { outcome: 'ok', value: Number(again.value), cacheHit: true };
  return readFromDb(deps, key, op, again.outcome === 'ok');
}

export const singleFlight: StrategyDefinition = {
  name: 'single-flight',
  summary: 'cache-aside; concurrent misses of one key share one database read and fill per process',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => {
    const flights = new SingleFlight<OpResult>();
    return {
      read: (key, op) => singleFlightRead(deps, flights, key, op),
      async write(key, value) {
        const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
        if (res.outcome !== 'ok') return broke('database write', res);
        await deps.cache.del(key);
        return { outcome: 'ok', value };
      },
    };
  },
};
