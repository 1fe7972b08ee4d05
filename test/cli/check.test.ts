import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CheckFixture, catalogue, reordered } from '../commands/check-fixture.js';
import { freeTcpPort } from '../stack/helpers.js';

// `cachelab check` as a user runs it (compiled: npm run build first), on the suite's Redis and
// PostgreSQL, with a table and keys of the test's own.
const cli = join(import.meta.dirname, '../../bin/cachelab.js');
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');
const noUrls = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

const JSON_FIELDS = ['sampled', 'consistent', 'missing', 'different', 'lagging', 'stuck', 'inconsistentShare', 'differences'];

let fixture: CheckFixture;
beforeAll(async () => {
  fixture = await CheckFixture.create(redisUrl, databaseUrl);
});
afterAll(async () => {
  await fixture.cleanup();
});

const check = (args: string[]): ResultPromise =>
  execa('node', [cli, 'check', '--redis-url', redisUrl, '--database-url', databaseUrl, '--query', fixture.docQuery, '--key', fixture.docKey, ...args], {
    env: noUrls,
    reject: false,
    timeout: 60_000,
  });

/** Resolves once the child's stderr or stdout (as named) matches `pattern`. */
function seen(child: ResultPromise, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never saw ${String(pattern)} on ${stream}:\n${text}`)), 30_000);
    child[stream]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** The ids whose cached price is off, healed: their cache entries set right. */
const heal = (ids: number[]): Promise<unknown> => Promise.all(ids.map((id) => fixture.redis.set(fixture.cacheKeyOf(id), reordered(id))));

describe('cachelab check, done when', () => {
  it('on 1,000 keys of which 17 differ and 5 heal within the recheck delay, reports exactly that and exits by the threshold', async () => {
    await fixture.seed(catalogue(1000, 17, 600_000));
    const run = check(['--sample', '1000', '--compare', 'json', '--recheck', '2s', '--json', '--verbose']);
    await seen(run, 'stderr', /17 of 1000 differ; reading them again in 2 s/);
    // A timer in the test: five entries are put right half a second into the 2 s delay.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await heal([3, 6, 9, 12, 15]);
    const result = await run;
    expect(result.exitCode, String(result.stderr)).toBe(1); // 12 / 1000 stuck, above the default 0.001
    const lines = String(result.stdout).trim().split('\n');
    expect(lines).toHaveLength(1);
    const round = JSON.parse(lines[0] ?? '') as Record<string, unknown> & { differences: { key: string; status: string }[] };
    expect(Object.keys(round)).toEqual(JSON_FIELDS);
    expect(round).toMatchObject({ sampled: 1000, consistent: 983, missing: 0, different: 17, lagging: 5, stuck: 12, inconsistentShare: 0.012 });
    expect(round.differences).toHaveLength(10);
    expect(round.differences.every((d) => d.status === 'stuck')).toBe(true);

    // The same again in the terminal, with the threshold at exactly the stuck share: exit 0.
    await fixture.seed(catalogue(1000, 17, 600_000));
    const again = check(['--sample', '1000', '--compare', 'json', '--recheck', '2s', '--max-inconsistent', '0.012', '--no-color', '--verbose']);
    await seen(again, 'stderr', /reading them again/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await heal([1, 2, 3, 4, 5]);
    const terminal = await again;
    expect(terminal.exitCode, String(terminal.stderr)).toBe(0);
    expect(terminal.stdout).toContain('all 1000 rows sampled, compared as json');
    expect(terminal.stdout).toMatch(/different +17 +read again after 2 s: 5 lagging \(right again\), 12 stuck/);
    expect(terminal.stdout).toContain('98.80% consistent within 2 s: inconsistent share 0.012, within --max-inconsistent 0.012');
  });
});

describe('cachelab check exit codes', () => {
  it('exits 0 at --max-inconsistent and 1 above it', async () => {
    await fixture.seed(catalogue(100, 2));
    const [at, above] = await Promise.all([check(['--compare', 'json', '--max-inconsistent', '0.02']), check(['--compare', 'json', '--max-inconsistent', '0.019'])]);
    expect([at.exitCode, above.exitCode]).toEqual([0, 1]);
    expect(above.stdout).toContain('inconsistent share 0.02, above --max-inconsistent 0.019');
  });

  it('exits 2 for bad usage and for a query PostgreSQL refuses, saying what is valid', async () => {
    await fixture.seed(catalogue(100, 2));
    const results = await Promise.all([
      check(['--compare', 'yaml']),
      check(['--recheck', 'soon']),
      check(['--sample', '0']),
      execa('node', [cli, 'check', '--query', 'SELECT 1, 2', '--key', 'k:{key}'], { env: noUrls, reject: false }),
      execa('node', [cli, 'check', '--redis-url', redisUrl, '--database-url', databaseUrl, '--query', fixture.docQuery, '--key', 'product'], { env: noUrls, reject: false }),
      check(['--query', `WITH gone AS (DELETE FROM ${fixture.schema}.products RETURNING id, doc) SELECT * FROM gone`]),
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(results[0]?.stderr).toContain('Allowed choices are string, number, json');
    expect(results[1]?.stderr).toContain('--recheck takes a duration such as 500ms, 2s or 1m');
    expect(results[2]?.stderr).toContain('--sample takes a whole number of rows');
    expect(results[3]?.stderr).toContain('cachelab check needs --redis-url (or REDIS_URL)');
    expect(results[4]?.stderr).toContain('has no {key} in it');
    expect(results[5]?.stderr).toMatch(/PostgreSQL refused the query: cannot execute \w+ in a read-only transaction/);
    expect(await fixture.rowCount()).toBe(100);
  });

  it('exits 3 when a store cannot be reached, naming it without its password', async () => {
    const down = `127.0.0.1:${await freeTcpPort()}`;
    const pgDown = new URL(databaseUrl);
    pgDown.host = down;
    const password = new URL(databaseUrl).password;
    const [redis, postgres] = await Promise.all([
      execa('node', [cli, 'check', '--redis-url', `redis://:s3cret-pw@${down}`, '--database-url', databaseUrl, '--query', 'SELECT 1, 2', '--key', 'k:{key}'], { env: noUrls, reject: false }),
      execa('node', [cli, 'check', '--redis-url', redisUrl, '--database-url', pgDown.toString(), '--query', 'SELECT 1, 2', '--key', 'k:{key}'], { env: noUrls, reject: false }),
    ]);
    expect([redis.exitCode, postgres.exitCode]).toEqual([3, 3]);
    expect(redis.stderr).toContain(`Redis at redis://:***@${down} cannot be reached: connect ECONNREFUSED`);
    expect(postgres.stderr).toMatch(/PostgreSQL at postgres:\/\/\w+:\*\*\*@127\.0\.0\.1:\d+\/\w+ cannot be reached: .*ECONNREFUSED/);
    expect(password).not.toBe('');
    expect(`${redis.stderr}${postgres.stderr}`).not.toContain('s3cret-pw');
    expect(`${redis.stderr}${postgres.stderr}`).not.toContain(password);
    expect(`${redis.stderr}${postgres.stderr}`).not.toMatch(/^\s+at /m);
  });
});

describe('cachelab check --watch', () => {
  it('prints one JSON object per round until Ctrl-C, then the running totals, exiting by the threshold', async () => {
    await fixture.seed(catalogue(20, 1));
    const run = check(['--compare', 'json', '--watch', '200ms', '--json', '--max-inconsistent', '0.1']);
    await seen(run, 'stdout', /(\n.*){3}/);
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, String(result.stderr)).toBe(0); // 1 of 20 per round: 0.05, within 0.1
    const rounds = String(result.stdout).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rounds.length).toBeGreaterThanOrEqual(3);
    for (const round of rounds) {
      expect(Object.keys(round)).toEqual(JSON_FIELDS);
      expect(round).toMatchObject({ sampled: 20, different: 1, inconsistentShare: 0.05 });
    }
    expect(result.stderr).toContain(`stopped after ${rounds.length} rounds: ${20 * rounds.length} sampled, ${19 * rounds.length} consistent, 0 missing, ${rounds.length} different`);
    expect(result.stderr).toContain('95.00% consistent: inconsistent share 0.05, within --max-inconsistent 0.1');
  });

  it('prints a line per round with the running totals, and exits 1 when the totals are above the threshold', async () => {
    await fixture.seed(catalogue(20, 1));
    const run = check(['--compare', 'json', '--watch', '200ms', '--recheck', '50ms', '--no-color']);
    await seen(run, 'stdout', /round 2: /);
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(result.stdout).toMatch(/✘ round 1: 20 sampled, 19 consistent, 0 missing, 1 different \(0 lagging, 1 stuck\), 95\.00% consistent within 50 ms {2}\| {2}total 20 sampled, 1 stuck, 95\.00% consistent within 50 ms/);
    expect(result.stdout).toMatch(/round 2: .*total 40 sampled, 2 stuck/);
    expect(result.stdout).toMatch(/stopped after \d+ rounds: /);
    expect(result.stdout).toContain('above --max-inconsistent 0.001');
    expect(result.stderr).not.toContain('interrupted');
  });
});
