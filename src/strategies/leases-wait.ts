import { randomUUID } from 'node:crypto';
import { readFromDb } from './cache-aside.js';
import { FILL_WITH_LEASE, LEASE_TTL_MS, leaseKey, leases } from './leases.js';
import { broke, type OpContext, type OpResult, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/** Gives the lease back when it still holds this reader's token (it found the value without filling). */
const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** How long a reader that did not get the lease waits for the holder's fill, ms, and how often it looks. */
export const LEASE_WAIT_MS = 1_000;
export const LEASE_POLL_MS = 5;

/**
 * The leases strategy's read, with the waiting Meta's memcache clients do: a reader that misses
 * while another holds the key's lease does not query the database but looks at the cache again
 * every LEASE_POLL_MS until the holder's fill lands (up to LEASE_WAIT_MS, then it reads the database
 * without filling). Across every process, one reader per expiry queries. The holder looks at the
 * cache once more after taking the lease: a lease granted just after the previous holder filled
 * (and gave it up) would otherwise query for a value that is already there.
 */
export async function leaseWaitRead(deps: StrategyDeps, key: string, op: OpContext, waitMs = LEASE_WAIT_MS): Promise<OpResult> {
  const cached = await deps.cache.get(key);
  if (cached.outcome === 'ok' && cached.value !== null) {
    await op.point('after-cache-read');
    return { outcome: 'ok', value: Number(cached.value), cacheHit: true };
  }
  if (cached.outcome !== 'ok') return readFromDb(deps, key, op, false);
  const token = `${op.id}:${randomUUID()}`;
  const lease = await deps.cache.setIfAbsent(leaseKey(key), token, LEASE_TTL_MS);
  if (lease.outcome !== 'ok') return readFromDb(deps, key, op, false);
  if (!lease.value) {
    const filled = await waitForFill(deps, key, waitMs);
    return filled ?? readFromDb(deps, key, op, false);
  }
  const again = await deps.cache.get(key);
  if (again.outcome === 'ok' && again.value !== null) {
    await deps.cache.evalScript(RELEASE_LEASE, [leaseKey(key)], [token]);
    return { outcome: 'ok', value: Number(again.value), cacheHit: true };
  }
  const rows = await deps.db.query<{ value: string }>('SELECT value FROM records WHERE key = $1', [key]);
  if (rows.outcome !== 'ok') {
    await deps.cache.evalScript(RELEASE_LEASE, [leaseKey(key)], [token]);
    return broke('database read', rows);
  }
  const row = rows.value[0];
  if (row === undefined) {
    await deps.cache.evalScript(RELEASE_LEASE, [leaseKey(key)], [token]);
    return { outcome: 'ok', value: null, cacheHit: false };
  }
  await op.point('after-fill-read');
  // Refused when a writer voided the token: the waiting readers then time out to the database.
  await deps.cache.evalScript(FILL_WITH_LEASE, [key, leaseKey(key)], [token, row.value, String(deps.cacheTtlMs)]);
  return { outcome: 'ok', value: Number(row.value), cacheHit: false };
}

async function waitForFill(deps: StrategyDeps, key: string, waitMs: number): Promise<OpResult | undefined> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
    const cached = await deps.cache.get(key);
    if (cached.outcome !== 'ok') return undefined;
    if (cached.value !== null) return { outcome: 'ok', value: Number(cached.value), cacheHit: true };
  }
  return undefined;
}

export const leasesWait: StrategyDefinition = {
  name: 'leases-wait',
  summary: 'leases, and a reader without the lease waits for the holder\'s fill instead of querying (one query per expiry)',
  cacheRole: 'display',
  cacheTtlMs: leases.cacheTtlMs,
  create: (deps) => {
    const writer = leases.create(deps);
    return {
      read: (key, op) => leaseWaitRead(deps, key, op),
      write: (key, value, op) => writer.write?.(key, value, op) ?? Promise.resolve({ outcome: 'fail', error: 'leases has no write' }),
    };
  },
};
