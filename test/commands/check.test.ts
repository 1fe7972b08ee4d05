import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkCommand, type CheckOptions } from '../../src/commands/check.js';
import type { CheckRoundReport } from '../../src/checkers/sampled-consistency.js';
import { labErrorOf } from '../stack/helpers.js';
import { CheckFixture, catalogue, docOf, reordered } from './check-fixture.js';

// `cachelab check` against the suite's real Redis and PostgreSQL, on a table and keys of its own.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');

let fixture: CheckFixture;
beforeAll(async () => {
  fixture = await CheckFixture.create(redisUrl, databaseUrl);
});
afterAll(async () => {
  await fixture.cleanup();
});

function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
  return {
    redisUrl,
    databaseUrl,
    query: fixture.docQuery,
    keyTemplate: fixture.docKey,
    sample: 1000,
    comparison: 'json',
    statementTimeoutMs: 10_000,
    maxInconsistent: 0,
    ...overrides,
  };
}

/** One round; its report. */
async function oneRound(overrides: Partial<CheckOptions> = {}): Promise<CheckRoundReport> {
  const rounds: CheckRoundReport[] = [];
  await checkCommand(options(overrides), (r) => rounds.push(r));
  expect(rounds).toHaveLength(1);
  return rounds[0]!;
}

describe('cachelab check on known data', () => {
  beforeAll(async () => {
    await fixture.seed([
      // 1-10: the same JSON with the keys in another order; 20 too, with a 60 s TTL
      ...Array.from({ length: 10 }, (_, i) => ({ id: i + 1, doc: docOf(i + 1), price: (i + 1) * 10, cache: reordered(i + 1) })),
      { id: 20, doc: docOf(20), price: 200, cache: reordered(20), ttlMs: 60_000 },
      // 11-13: not cached
      ...[11, 12, 13].map((id) => ({ id, doc: docOf(id), price: id * 10 })),
      // 14-17: another price; 18: not JSON; 19: a list
      ...[14, 15, 16, 17].map((id) => ({ id, doc: docOf(id), price: id * 10, cache: reordered(id, 1), ttlMs: 60_000 })),
      { id: 18, doc: docOf(18), price: 180, cache: 'garbage' },
      { id: 19, doc: docOf(19), price: 190, cache: { list: ['x'] } },
    ]);
  });

  it('counts consistent, missing and different as JSON, key order ignored, and lists the differences with their TTL', async () => {
    const { result, rowsRead } = await oneRound();
    expect(rowsRead).toBe(20);
    expect(result).toMatchObject({ sampled: 20, consistent: 11, missing: 3, different: 6, lagging: null, stuck: null, inconsistentShare: 0.3 });
    const byKey = Object.fromEntries(result.differences.map((d) => [d.key.slice(fixture.prefix.length), d]));
    expect(Object.keys(byKey).sort()).toEqual(['product:14', 'product:15', 'product:16', 'product:17', 'product:18', 'product:19']);
    expect(byKey['product:14']).toMatchObject({ database: '{"name": "p14", "tags": ["a", "b"], "price": 140}', cache: reordered(14, 1), status: 'different' });
    expect(byKey['product:14']?.ttlMs).toBeGreaterThan(50_000);
    expect(byKey['product:14']?.ttlMs).toBeLessThanOrEqual(60_000);
    expect(byKey['product:18']).toMatchObject({ cache: 'garbage', ttlMs: null });
    expect(byKey['product:19']).toMatchObject({ cache: '<list>' });
  });

  it('compares text as text: JSON with its keys in another order differs', async () => {
    const { result } = await oneRound({ comparison: 'string' });
    expect(result).toMatchObject({ sampled: 20, consistent: 0, missing: 3, different: 17 });
  });

  it('compares numbers as numbers: the numeric column 140.00 equals a cached 140', async () => {
    const key = `${fixture.prefix}price:`;
    await fixture.redis.set(`${key}14`, '140');
    await fixture.redis.set(`${key}15`, '151');
    const query = `SELECT id, price FROM ${fixture.schema}.products WHERE id IN (14, 15, 16)`;
    const number = await oneRound({ comparison: 'number', query, keyTemplate: `${key}{key}` });
    expect(number.result).toMatchObject({ sampled: 3, consistent: 1, missing: 1, different: 1 });
    const text = await oneRound({ comparison: 'string', query, keyTemplate: `${key}{key}` });
    expect(text.result).toMatchObject({ consistent: 0, different: 2 });
  });

  it('samples N of the rows uniformly when there are more', async () => {
    const { result, rowsRead } = await oneRound({ sample: 5 });
    expect(rowsRead).toBe(20);
    expect(result.sampled).toBe(5);
    expect(result.consistent + result.missing + result.different).toBe(5);
  });
});

describe('cachelab check --recheck', () => {
  it('tells a difference that heals during the delay (lagging) from one that does not (stuck)', async () => {
    await fixture.seed(catalogue(10, 4));
    const fixes = {
      // the cache catches up
      cache: () => fixture.redis.set(fixture.cacheKeyOf(1), reordered(1)),
      // the database moves to the cache's value (a write the first pass saw half of)
      database: () => fixture.db.query(`UPDATE ${fixture.schema}.products SET doc = $1 WHERE id = 2`, [reordered(2, 21)]),
      // the entry is invalidated: nothing wrong is cached any more
      invalidated: () => fixture.redis.del(fixture.cacheKeyOf(3)),
    };
    let fixed: Promise<unknown> | undefined;
    const { result } = await oneRound({
      recheckMs: 1500,
      // A timer in the test: the fixes land in the middle of the recheck delay.
      log: () =>
        void setTimeout(() => {
          fixed = Promise.all(Object.values(fixes).map((fix) => fix()));
        }, 500),
    });
    await fixed;
    expect(fixed).toBeDefined();
    expect(result).toMatchObject({ sampled: 10, consistent: 6, missing: 0, different: 4, lagging: 3, stuck: 1, inconsistentShare: 0.1 });
    expect(result.differences.map((d) => [d.key.slice(fixture.prefix.length), d.status])).toEqual([
      ['product:4', 'stuck'],
      ['product:1', 'lagging'],
      ['product:2', 'lagging'],
      ['product:3', 'lagging'],
    ]);
  });

  it('decides the verdict by the stuck share: at --max-inconsistent passes, above it fails', async () => {
    await fixture.seed(catalogue(50, 1));
    const at = await checkCommand(options({ recheckMs: 50, maxInconsistent: 0.02 }));
    expect(at.totals).toMatchObject({ rounds: 1, sampled: 50, stuck: 1, inconsistentShare: 0.02 });
    expect(at.ok).toBe(true);
    const above = await checkCommand(options({ recheckMs: 50, maxInconsistent: 0.0199 }));
    expect(above.ok).toBe(false);
  });
});

describe('cachelab check reading PostgreSQL', () => {
  beforeAll(async () => {
    await fixture.seed(catalogue(3, 0));
  });

  it('runs the query in a READ ONLY transaction under the statement timeout', async () => {
    const keyTemplate = `${fixture.prefix}settings:{key}`;
    for (const id of [1, 2, 3]) await fixture.redis.set(`${fixture.prefix}settings:${id}`, 'on 1500ms');
    const query = `SELECT id, current_setting('transaction_read_only') || ' ' || current_setting('statement_timeout') FROM ${fixture.schema}.products`;
    const { result } = await oneRound({ query, keyTemplate, comparison: 'string', statementTimeoutMs: 1500 });
    expect(result).toMatchObject({ sampled: 3, consistent: 3 });
  });

  it.each([
    ['a data-modifying CTE', (s: string) => `WITH gone AS (DELETE FROM ${s}.products RETURNING id, doc) SELECT id, doc FROM gone`, /read-only transaction/],
    ['a function that writes', (s: string) => `SELECT id, doc, nextval('${s}.seq') FROM ${s}.products`, /read-only transaction/],
    ['a second statement', (s: string) => `SELECT id, doc FROM ${s}.products; DELETE FROM ${s}.products`, /multiple commands/],
  ])('refuses %s as a usage error, and the rows are still there', async (_name, query, reason) => {
    await fixture.db.query(`CREATE SEQUENCE IF NOT EXISTS ${fixture.schema}.seq`);
    const error = await labErrorOf(checkCommand(options({ query: query(fixture.schema) })));
    expect(error.code).toBe('usage');
    expect(error.message).toMatch(reason);
    expect(await fixture.rowCount()).toBe(3);
    const { rows } = await fixture.db.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${fixture.schema}.seq`);
    expect(rows[0]?.is_called).toBe(false);
  });

  it('gives up at the statement timeout as an environment error', async () => {
    const query = `SELECT id, doc FROM ${fixture.schema}.products WHERE pg_sleep(1) IS NOT NULL`;
    const error = await labErrorOf(checkCommand(options({ query, statementTimeoutMs: 200 })));
    expect(error.code).toBe('environment');
    expect(error.message).toContain('statement timeout (200 ms)');
  });
});
