import { describe, expect, it } from 'vitest';
import { diffStores } from '../../src/checkers/diff.js';
import type { StoreSnapshot } from '../../src/checkers/checker.js';

function snapshot(db: StoreSnapshot['db'], cache: StoreSnapshot['cache']): StoreSnapshot {
  return { db, cache, ledger: [], sets: {}, orders: [], meta: {} };
}

describe('diffStores', () => {
  it('gives each key in either store one status from the fixed vocabulary, sorted by key', () => {
    const rows = diffStores(
      snapshot(
        { 'k:same': 1, 'k:stale': 4000, 'k:missing': 7 },
        {
          'k:same': { value: '1', ttlMs: null },
          'k:stale': { value: '5000', ttlMs: null },
          'k:orphan': { value: '9', ttlMs: 1500 },
        },
      ),
      [],
    );

    expect(rows.map((r) => [r.key, r.status])).toEqual([
      ['k:missing', 'missing-in-cache'],
      ['k:orphan', 'cache-only'],
      ['k:same', 'consistent'],
      ['k:stale', 'stale'],
    ]);
  });

  it('shows values as strings and the TTL left in ms', () => {
    const [row] = diffStores(snapshot({ k: 4000 }, { k: { value: '5000', ttlMs: 29_500 } }), []);

    expect(row).toMatchObject({ key: 'k', db: '4000', cache: '5000', ttlMs: 29_500 });
  });

  it('explains a stale key without TTL as stale until the next write', () => {
    const [row] = diffStores(snapshot({ k: 4000 }, { k: { value: '5000', ttlMs: null } }), []);

    expect(row?.note).toBe('no TTL: stays stale until the next successful write');
  });

  it('explains a display-only stale key with a TTL as healing by itself, in whole seconds rounded up', () => {
    const [row] = diffStores(snapshot({ k: 4000 }, { k: { value: '5000', ttlMs: 29_100 } }), ['k']);

    expect(row?.note).toBe('display only; heals by TTL in 30 s');
  });

  it('leaves consistent rows without a note', () => {
    const [row] = diffStores(snapshot({ k: 1 }, { k: { value: '1', ttlMs: 1000 } }), []);

    expect(row?.note).toBeUndefined();
  });

  it('reads a cached record as a number, as the records column is one (the comparison cachelab check uses)', () => {
    const rows = diffStores(snapshot({ a: 5000, b: 5000 }, { a: { value: '5000.0', ttlMs: null }, b: { value: '5000 yen', ttlMs: null } }), []);

    expect(rows.map((r) => r.status)).toEqual(['consistent', 'stale']);
  });
});
