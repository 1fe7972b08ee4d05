import type { StoreSnapshot } from './checker.js';
import { sameValue, type Comparison } from './compare.js';

export type DiffStatus = 'consistent' | 'stale' | 'missing-in-cache' | 'cache-only';

/**
 * How the lab compares its own stores: a `records` value is a bigint, so its cached text is read
 * as a number; a set is its sorted members, joined, compared as text.
 */
export const RECORD_COMPARISON: Comparison = 'number';
const SET_COMPARISON: Comparison = 'string';

/** One key of the DB-vs-cache table. Values are shown as strings, as the cache stores them. */
export interface DiffRow {
  key: string;
  db: string | null;
  cache: string | null;
  /** TTL left on the cache key, ms; null when the key has no TTL or is absent. */
  ttlMs: number | null;
  status: DiffStatus;
  /** e.g. "display only: heals by TTL in 29 s", "no TTL: stays stale until the next write". */
  note?: string;
}

/**
 * Compares every key found in either store: each record with the cache key of the same name, and
 * each set (its members, sorted and comma-separated) with the cache set. The strategies'
 * bookkeeping (snapshot.meta) is not data and is left out. A missing cache entry is normal for
 * cache-aside (the next read fills it), so only `stale` and `cache-only` can make a run
 * inconsistent; the checkers decide that, not the diff.
 */
export function diffStores(snapshot: StoreSnapshot, displayOnlyKeys: readonly string[]): DiffRow[] {
  const keys = [...new Set([...Object.keys(snapshot.db), ...Object.keys(snapshot.cache), ...Object.keys(snapshot.sets)])].sort();
  return keys.map((key) => {
    const dbValue = snapshot.db[key];
    const cached = snapshot.cache[key];
    const set = snapshot.sets[key];
    const db = set !== undefined ? members(set.db) : dbValue === undefined ? null : String(dbValue);
    const cache = set !== undefined ? members(set.cache) : (cached?.value ?? null);
    const ttlMs = (set !== undefined ? set.ttlMs : cached?.ttlMs) ?? null;
    const row: DiffRow = { key, db, cache, ttlMs, status: status(db, cache, set !== undefined ? SET_COMPARISON : RECORD_COMPARISON) };
    if (set !== undefined) Object.assign(row, { db: shown(set.db), cache: shown(set.cache) });
    if (row.status === 'stale') {
      const display = displayOnlyKeys.includes(key) ? 'display only; ' : '';
      row.note =
        ttlMs === null
          ? `${display}no TTL: stays stale until the next successful write`
          : `${display}heals by TTL in ${Math.ceil(ttlMs / 1000)} s`;
    }
    return row;
  });
}

/** A set as one comparable value; an empty set is no value (Redis has no empty sets). */
const members = (items: string[]): string | null => (items.length === 0 ? null : [...items].sort(natural).join(','));

/** Members listed in full up to this many; a larger set shows its size, first and last member. */
const LISTED = 8;

/** A set for people: "o1,o2,o3", or "42 items: o1 … o42" (the status is decided on the full set). */
function shown(items: string[]): string | null {
  if (items.length <= LISTED) return members(items);
  const sorted = [...items].sort(natural);
  return `${sorted.length} items: ${sorted[0] ?? ''} … ${sorted[sorted.length - 1] ?? ''}`;
}

/** o2 before o10. */
const natural = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

function status(db: string | null, cache: string | null, comparison: Comparison): DiffStatus {
  if (db === null) return cache === null ? 'consistent' : 'cache-only';
  if (cache === null) return 'missing-in-cache';
  return sameValue(db, cache, comparison) ? 'consistent' : 'stale';
}
