import { hostname } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkCommand } from '../../src/commands/check.js';
import { doctor } from '../../src/commands/doctor.js';
import { runCommand, type RunCommandOptions } from '../../src/commands/run.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { startTestCluster, type TestCluster } from './redis-cluster.js';

// A real three-primary Redis Cluster of the test's own plays the team's Cluster; the suite's
// PostgreSQL plays their database.
const databaseUrl = inject('databaseUrl');

const run = (cluster: TestCluster, o: Partial<RunCommandOptions>): ReturnType<typeof runCommand> =>
  runCommand({
    scenarios: [],
    all: false,
    strategies: [],
    seed: 1,
    stack: { mode: 'external', redisUrl: cluster.url, databaseUrl },
    redis: defaultRedisSettings,
    pg: defaultPgSettings,
    log: () => undefined,
    ...o,
  });

describe('the external stack on a Redis Cluster (redis-cluster:// URL)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 30_000);
  afterAll(async () => {
    await cluster.stop();
  });

  it('meets every expectation of the seed scenarios that needs no Redis kill (MULTI, scripts, streams in one slot), and leaves no key on any node', async () => {
    // The seeds use every multi-key command of the strategies; the README quotes the whole matrix.
    const report = await run(cluster, { scenarios: ['payment-double-spend', 'inventory-oversell', 'write-behind-crash', 'invalidation-race'] });
    const ran = report.results.filter((r) => r.verdict !== 'skipped');
    const skipped = report.results.filter((r) => r.verdict === 'skipped');
    // Only the scenarios that kill Redis or change its persistence need what a Cluster URL alone cannot give.
    expect(skipped.every((r) => /kill-redis|persistence/.test(r.skipReason ?? '')), JSON.stringify(skipped.map((r) => r.skipReason))).toBe(true);
    expect(ran.length).toBeGreaterThanOrEqual(12);
    expect(ran.filter((r) => !r.matches).map((r) => `${r.scenario} x ${r.strategy}: ${r.verdict} (${r.explanation})`)).toEqual([]);
    // The anomalies reproduced against the Cluster, read back from its nodes.
    const writeThrough = ran.find((r) => r.scenario === 'payment-double-spend' && r.strategy === 'write-through');
    expect(writeThrough?.verdict).toBe('inconsistent');
    expect(await cluster.keys(`cachelab:{${report.runId}}:*`)).toEqual([]);
  }, 180_000);

  it("cuts one app's link to every node: a two-tier cache's naive bus stays stale, the durable bus catches up", async () => {
    const report = await run(cluster, { scenarios: ['l1-invalidation-lost'], strategies: ['naive-bus', 'durable-bus'] });
    expect(report.results.map((r) => [r.strategy, r.verdict, r.matches])).toEqual([
      ['naive-bus', 'inconsistent', true],
      ['durable-bus', 'consistent', true],
    ]);
  }, 120_000);

  it("removes the keys a killed run left on the Cluster, judged by its owner lease", async () => {
    const dead = 'deadclusterrun';
    const { Cluster } = await import('ioredis');
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      // The lease of a run whose owner (a PID that cannot exist, on this host) is gone, and a key of its data.
      await client.set(`cachelab:{${dead}}:_lab:owner`, JSON.stringify({ host: hostname(), pid: 2 ** 22 + 1, startedAt: '', keep: false }), 'PX', 60_000);
      await client.set(`cachelab:{${dead}}:account:alice`, '5000');
      await run(cluster, { scenarios: ['payment-double-spend'], strategies: ['write-through'] });
      expect(await cluster.keys(`cachelab:{${dead}}:*`)).toEqual([]);
    } finally {
      await client.quit();
    }
  }, 60_000);

  it('is sampled by cachelab check, keys spread over every slot read from their own nodes', async () => {
    const { Cluster } = await import('ioredis');
    const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const schema = `clustercheck_${process.pid}`;
    try {
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(`CREATE TABLE ${schema}.prices (id int PRIMARY KEY, price text NOT NULL)`);
      await db.query(`INSERT INTO ${schema}.prices SELECT i, (i * 10)::text FROM generate_series(1, 60) i`);
      // 1-50 cached right, 51-55 stale, 56-60 not cached.
      for (let id = 1; id <= 55; id++) await client.set(`${schema}:price:${id}`, String(id <= 50 ? id * 10 : id));
      const report = await checkCommand({
        redisUrl: cluster.url,
        databaseUrl,
        query: `SELECT id, price FROM ${schema}.prices`,
        keyTemplate: `${schema}:price:{key}`,
        sample: 1000,
        comparison: 'string',
        statementTimeoutMs: 10_000,
        maxInconsistent: 0,
      });
      expect(report.totals).toMatchObject({ rounds: 1, sampled: 60, consistent: 50, different: 5, missing: 5 });
    } finally {
      await Promise.all(Array.from({ length: 55 }, (_, i) => client.del(`${schema}:price:${i + 1}`)));
      await client.quit();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    }
  }, 30_000);

  it('is checked by doctor: state, primaries and the hash tag that keeps a run in one slot', async () => {
    const report = await doctor({ redisUrl: cluster.url, databaseUrl });
    const check = report.checks.find((c) => c.name === 'Redis Cluster');
    expect(check?.ok).toBe(true);
    expect(check?.detail).toMatch(/^Cluster state ok: 3 primaries, 3 nodes; a run's keys share the hash tag cachelab:\{<run>\}:/);
  }, 30_000);
});
