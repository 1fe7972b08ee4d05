import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCommand, type RunCommandOptions } from '../../src/commands/run.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import { freeTcpPort, pidAlive } from '../stack/helpers.js';
import { expectRedisCrash, expectWriteBehindCrash } from './write-behind-expectations.js';

// This machine's own servers stand in for a user's existing Redis and PostgreSQL.
const redisUrl = inject('redisUrl');
const databaseUrl = inject('databaseUrl');

const run = (scenarios: string[], stack: RunCommandOptions['stack']): ReturnType<typeof runCommand> =>
  runCommand({
    scenarios,
    all: false,
    strategies: [],
    seed: 1,
    stack,
    redis: defaultRedisSettings,
    pg: defaultPgSettings,
    log: () => undefined,
  });

describe('write-behind scenarios on the external stack (existing servers, embedded proxy)', () => {
  it('write-behind-crash: the app SIGKILLed with its queue full loses 37 confirmed orders under write-behind, none under the remedies', async () => {
    const report = await run(['write-behind-crash'], { mode: 'external', redisUrl, databaseUrl });
    expect(report.stack.mode).toBe('external');
    expectWriteBehindCrash(report);
    // Not a scenario that kills Redis: no persistence label.
    for (const r of report.results) expect(r.redisPersistence).toBeUndefined();
  });

  describe('write-behind-redis-crash on a Redis with AOF everysec, killed and started by command', () => {
    // A redis-server of this test's own, with docker-compose.yml's persistence, so killing it
    // disturbs no other test: daemonized, driven only through the two commands a user would pass.
    let dir: string;
    let port: number;
    let start: string;
    let kill: string;
    const pidFile = (): string => join(dir, 'redis.pid');

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'write-behind-external-'));
      port = await freeTcpPort();
      const binary = process.env.CACHELAB_REDIS_SERVER || 'redis-server';
      start =
        `${binary} --port ${port} --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec ` +
        `--daemonize yes --pidfile ${pidFile()} --dir ${dir} --logfile ${join(dir, 'redis.log')}`;
      kill = `kill -9 "$(cat ${pidFile()})"`;
      await execa(start, { shell: true });
    });

    afterAll(async () => {
      const pid = Number(await readFile(pidFile(), 'utf8').catch(() => '0'));
      if (pid > 0 && pidAlive(pid)) process.kill(pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    });

    it("runs the setting the server has, labelled as the server's own, and skips the other two saying why", async () => {
      const pidBefore = Number(await readFile(pidFile(), 'utf8'));
      const report = await run(['write-behind-redis-crash'], {
        mode: 'external',
        redisUrl: `redis://127.0.0.1:${port}`,
        databaseUrl,
        redisKillCommand: kill,
        redisStartCommand: start,
      });

      expectRedisCrash(report, 'everysec');
      for (const r of report.results.filter((r) => r.scenario === 'write-behind-redis-crash/everysec')) {
        expect(r.redisPersistence).toEqual({ setting: 'everysec', source: 'server' });
      }
      const skipped = report.results.filter((r) => r.verdict === 'skipped');
      expect(skipped.map((r) => r.scenario)).toEqual([
        ...Array<string>(3).fill('write-behind-redis-crash/aof-off'),
        ...Array<string>(3).fill('write-behind-redis-crash/always'),
      ]);
      expect(skipped[0]?.skipReason).toBe(
        "needs a Redis with AOF off; the server's own setting is appendfsync everysec (CONFIG GET): run the scenario of that " +
          'setting, or point --redis-url at a server configured so',
      );
      expect(report.ok).toBe(false);
      // Killed for real by the command, and started again by the other one.
      expect(pidAlive(pidBefore)).toBe(false);
    });
  });
});
