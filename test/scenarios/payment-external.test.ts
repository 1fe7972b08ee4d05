import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCommand } from '../../src/commands/run.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { expectPaymentFigures } from './payment-expectations.js';

// This machine's own servers stand in for a user's existing Redis and PostgreSQL.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');

describe('payment-double-spend on the external stack (existing Redis and PostgreSQL, embedded proxy)', () => {
  const tag = randomBytes(4).toString('hex');
  const sentinelKey = `cachelab-sentinel:${tag}`;
  const sentinelTable = `cachelab_sentinel_${tag}`;
  const redis = new Redis(redisUrl);
  const db = new pg.Client({ connectionString: databaseUrl });

  beforeAll(async () => {
    await db.connect();
    await redis.set(sentinelKey, 'untouched');
    await db.query(`CREATE TABLE public.${sentinelTable} (v text)`);
    await db.query(`INSERT INTO public.${sentinelTable} VALUES ('untouched')`);
  });

  afterAll(async () => {
    await redis.del(sentinelKey);
    await db.query(`DROP TABLE IF EXISTS public.${sentinelTable}`);
    await db.end();
    redis.disconnect();
  });

  it('gives the same verdicts and figures as the local stack and touches nothing outside its namespace', async () => {
    const report = await runCommand({
      scenarios: ['payment-double-spend'],
      all: false,
      strategies: [],
      seed: 1,
      stack: { mode: 'external', redisUrl, databaseUrl },
      redis: defaultRedisSettings,
      pg: defaultPgSettings,
      log: () => undefined,
    });
    expect(report.stack.mode).toBe('external');
    expectPaymentFigures(report);

    expect(await redis.get(sentinelKey)).toBe('untouched');
    expect((await db.query(`SELECT v FROM public.${sentinelTable}`)).rows).toEqual([{ v: 'untouched' }]);
    expect(await redis.keys(`cachelab:${report.runId}:*`)).toEqual([]);
    const schemas = await db.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [`cachelab_${report.runId}`]);
    expect(schemas.rowCount).toBe(0);
  });

  it('explains from what happened: two-phase commit whose client resends its cache commit is consistent, and says so', async () => {
    const report = await runCommand({
      scenarios: ['payment-double-spend'],
      all: false,
      strategies: ['two-phase-commit'],
      seed: 1,
      stack: { mode: 'external', redisUrl, databaseUrl },
      redis: { ...defaultRedisSettings, autoResendUnfulfilledCommands: true, maxRetriesPerRequest: 1 },
      pg: defaultPgSettings,
      log: () => undefined,
    });
    const [result] = report.results;
    expect(result?.verdict).toBe('consistent');
    expect(result?.diff.map((row) => [row.key, row.db, row.cache])).toEqual([['account:alice', '4000', '4000']]);
    expect(result?.explanation).not.toContain('kept the old balance');
    expect(result?.explanation).toContain('resent');
  });
});
