import { metaKey, type AtomicCommand } from '../drivers/redis.js';
import type { Result } from '../drivers/result.js';
import { readFromDb } from './cache-aside.js';
import { SingleFlight } from './single-flight.js';
import { broke, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/** Present while the cache holds a warmed set: a cache that restarted empty has lost it. */
export const WARM_MARK = metaKey('warm');
/** Held by the one process that warms (across processes), for at most WARM_LOCK_MS. */
export const WARM_LOCK = metaKey('warming');
const WARM_LOCK_MS = 5_000;
/** How long a process waits for another one's warming before it goes on without, ms; how often it looks. */
const WAIT_MS = 2_000;
const POLL_MS = 10;
/** How long a read waits for a cache that does not answer before it reads the database, ms. */
export const OUTAGE_WAIT_MS = 1_000;
/** Keys remembered as hot, at most (the oldest forgotten first). */
export const HOT_KEYS_KEPT = 5_000;

export const WARM_QUERY = 'SELECT key, value FROM records WHERE key = ANY($1)';

/**
 * What a warming process keeps: the keys it served from the cache (its hot set, most recent last)
 * and one warming at a time.
 */
export class WarmState {
  readonly hot = new Set<string>();
  readonly flights = new SingleFlight<void>();
  warmings = 0;

  served(key: string): void {
    this.hot.delete(key);
    this.hot.add(key);
    if (this.hot.size > HOT_KEYS_KEPT) this.hot.delete(this.hot.values().next().value as string);
  }
}

/**
 * Cache-aside that warms a cache that came back empty. While the cache does not answer, reads wait
 * for it (up to OUTAGE_WAIT_MS) instead of all querying the database. A miss first asks whether the warm mark is
 * still there; if the cache lost it (redis-server restarted without its data), the hot set is
 * loaded in one database query and one MULTI before the miss goes on, and every miss meanwhile waits
 * for that warming instead of querying the database on its own. Across processes one warms (a lock
 * key) and the others wait for its mark.
 */
export async function warmingRead(deps: StrategyDeps, state: WarmState, key: string, op: OpContext, outageWaitMs = OUTAGE_WAIT_MS): Promise<OpResult> {
  const cached = await getThroughOutage(deps, key, outageWaitMs);
  if (cached.outcome === 'ok' && cached.value !== null) {
    state.served(key);
    await op.point('after-cache-read');
    return { outcome: 'ok', value: Number(cached.value), cacheHit: true };
  }
  if (cached.outcome !== 'ok') return readFromDb(deps, key, op, false);
  const mark = await deps.cache.get(WARM_MARK);
  if (mark.outcome === 'ok' && mark.value === null) {
    await state.flights.run(WARM_MARK, () => warm(deps, state));
    const again = await deps.cache.get(key);
    if (again.outcome === 'ok' && again.value !== null) {
      state.served(key);
      return { outcome: 'ok', value: Number(again.value), cacheHit: true };
    }
  }
  return readFromDb(deps, key, op, true);
}

/**
 * A cache that does not answer is being restarted (or is cut off): reads wait for it, looking
 * again every POLL_MS up to `waitMs`, rather than all falling back to the database at once; past
 * that they do (without filling).
 */
async function getThroughOutage(deps: StrategyDeps, key: string, waitMs: number): Promise<Result<string | null>> {
  const deadline = Date.now() + waitMs;
  let cached = await deps.cache.get(key);
  while (cached.outcome !== 'ok' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    cached = await deps.cache.get(key);
  }
  return cached;
}

/** Loads the hot set into the cache (or waits for the process that does), then sets the mark. */
export async function warm(deps: StrategyDeps, state: WarmState): Promise<void> {
  const lock = await deps.cache.setIfAbsent(WARM_LOCK, String(process.pid), WARM_LOCK_MS);
  if (lock.outcome !== 'ok') return;
  if (!lock.value) {
    await waitForMark(deps);
    return;
  }
  state.warmings++;
  const keys = [...state.hot];
  const rows = keys.length === 0 ? undefined : await deps.db.query<{ key: string; value: string }>(WARM_QUERY, [keys]);
  if (rows !== undefined && rows.outcome !== 'ok') {
    // No mark: the next miss tries again.
    await deps.cache.del(WARM_LOCK);
    return;
  }
  const ttl = deps.cacheTtlMs > 0 ? ['PX', String(deps.cacheTtlMs)] : [];
  const commands: AtomicCommand[] = (rows?.value ?? []).map((r) => ['set', r.key, r.value, ...ttl]);
  // The mark only once the set is in: a process that sees it finds the hot keys.
  await deps.cache.atomically([...commands, ['set', WARM_MARK, String(Date.now())], ['del', WARM_LOCK]]);
}

async function waitForMark(deps: StrategyDeps): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const mark = await deps.cache.get(WARM_MARK);
    if (mark.outcome !== 'ok' || mark.value !== null) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const warming: StrategyDefinition = {
  name: 'warming',
  summary: 'cache-aside that reloads its hot keys in one query when the cache comes back empty; misses wait for it',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => {
    const state = new WarmState();
    return {
      read: (key, op) => warmingRead(deps, state, key, op),
      async write(key, value) {
        const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
        if (res.outcome !== 'ok') return broke('database write', res);
        await deps.cache.del(key);
        return { outcome: 'ok', value };
      },
    };
  },
};
