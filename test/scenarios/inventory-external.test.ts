import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCommand, type RunCommandOptions } from '../../src/commands/run.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { freeTcpPort, pidAlive, redisGet } from '../stack/helpers.js';
import { expectInventoryFigures } from './inventory-expectations.js';

// This machine's own servers stand in for a user's existing Redis and PostgreSQL.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');

const run = (stack: RunCommandOptions['stack']): ReturnType<typeof runCommand> =>
  runCommand({
    scenarios: ['inventory-oversell'],
    all: false,
    strategies: [],
    seed: 1,
    stack,
    redis: defaultRedisSettings,
    pg: defaultPgSettings,
    log: () => undefined,
  });

async function namespaceLeft(runId: string, redis: string): Promise<{ keys: string[]; schemas: number }> {
  const client = new Redis(redis);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const keys = await client.keys(`cachelab:${runId}:*`);
    const schemas = await db.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [`cachelab_${runId}`]);
    return { keys, schemas: schemas.rowCount ?? 0 };
  } finally {
    client.disconnect();
    await db.end();
  }
}

describe('inventory-oversell on the external stack (existing servers, embedded proxy)', () => {
  it('is skipped, never passed, on a Redis it has no command to kill, and touches nothing', async () => {
    const sentinel = `cachelab-sentinel:${randomBytes(4).toString('hex')}`;
    const redis = new Redis(redisUrl);
    await redis.set(sentinel, 'untouched');
    try {
      const report = await run({ mode: 'external', redisUrl, databaseUrl });
      expect(report.results.map((r) => [r.strategy, r.verdict, r.matches])).toEqual([
        ['cache-first', 'skipped', false],
        ['db-conditional', 'skipped', false],
        ['redis-reservation', 'skipped', false],
        ['event-sourcing', 'skipped', false],
      ]);
      expect(report.ok).toBe(false);
      for (const r of report.results) expect(r.skipReason).toContain('--redis-kill-command');
      expect(await redis.get(sentinel)).toBe('untouched');
      expect(await namespaceLeft(report.runId, redisUrl)).toEqual({ keys: [], schemas: 0 });
    } finally {
      await redis.del(sentinel);
      redis.disconnect();
    }
  });

  describe('with a Redis it can kill and start by command, as with docker compose', () => {
    // A redis-server of this test's own, so killing it disturbs no other test: daemonized, no
    // persistence, driven only through the two shell commands the user would pass.
    let dir: string;
    let port: number;
    let start: string;
    let kill: string;
    const pidFile = (): string => join(dir, 'redis.pid');

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'inventory-external-'));
      port = await freeTcpPort();
      const binary = process.env.CACHELAB_REDIS_SERVER || 'redis-server';
      start = `${binary} --port ${port} --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile ${pidFile()} --dir ${dir} --logfile ${join(dir, 'redis.log')}`;
      kill = `kill -9 "$(cat ${pidFile()})"`;
      await execa(start, { shell: true });
      // A daemonized redis-server writes its pid file and listens after the command returns: wait for both.
      const deadline = Date.now() + 10_000;
      const answers = (): Promise<boolean> => redisGet(`redis://127.0.0.1:${port}`, 'none').then(() => true, () => false);
      while (!existsSync(pidFile()) || !(await answers())) {
        if (Date.now() > deadline) throw new Error(`redis-server wrote no ${pidFile()} within 10 s: see ${join(dir, 'redis.log')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    afterAll(async () => {
      const pid = Number(await readFile(pidFile(), 'utf8').catch(() => '0'));
      if (pid > 0 && pidAlive(pid)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    });

    it('gives the same verdicts and figures as the local stack', async () => {
      const ownRedis = `redis://127.0.0.1:${port}`;
      const pidBefore = Number(await readFile(pidFile(), 'utf8'));
      const report = await run({
        mode: 'external',
        redisUrl: ownRedis,
        databaseUrl,
        redisKillCommand: kill,
        redisStartCommand: start,
      });
      expect(report.stack.mode).toBe('external');
      expectInventoryFigures(report);
      // Killed for real (by the command), and started again by the other one.
      expect(pidAlive(pidBefore)).toBe(false);
      expect(await redisGet(ownRedis, 'anything')).toBeNull();
      expect(await namespaceLeft(report.runId, ownRedis)).toEqual({ keys: [], schemas: 0 });
    });
  });
});
