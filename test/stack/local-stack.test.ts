import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';
import { pidAlive, pidsStillAlive, processesInside, redisGet, redisGetSet, sql } from './helpers.js';

const started: Stack[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((stack) => stack.stop()));
});

function runDir(stack: Stack): string {
  const line = stack.describe().find((l) => l.startsWith('Files'));
  const dir = /\s(\/\S+)/.exec(line ?? '')?.[1];
  if (dir === undefined) throw new Error(`no run dir in describe(): ${stack.describe().join('\n')}`);
  return dir;
}

function recordedPids(dir: string): number[] {
  return (JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { pids: number[] }).pids;
}

describe('local stack', () => {
  it('serves Redis and PostgreSQL directly and through the fault proxy, then leaves nothing behind', async () => {
    const lines: string[] = [];
    const t0 = Date.now();
    const stack = await startStack({ mode: 'local', log: (line) => lines.push(line) });
    started.push(stack);
    const startMs = Date.now() - t0;

    expect(stack.mode).toBe('local');
    expect(stack.keyPrefix).toBe(`cachelab:${stack.runId}:`);
    expect(stack.schema).toBe(`cachelab_${stack.runId}`);
    expect(stack.proxies.redis.host).toBe('127.0.0.1');
    expect(stack.appRedisUrl).toBe(`redis://127.0.0.1:${stack.proxies.redis.port}`);
    expect(stack.appRedisUrl).not.toBe(stack.redisUrl);

    const key = `${stack.keyPrefix}k`;
    expect(await redisGetSet(stack.appRedisUrl, key, 'through-proxy')).toBe('through-proxy');
    expect(await redisGet(stack.redisUrl, key)).toBe('through-proxy');

    const viaProxy = await sql<{ db: string; schema: string }>(
      stack.appDatabaseUrl,
      'SELECT current_database() AS db, (SELECT nspname FROM pg_namespace WHERE nspname = $1) AS schema',
      [stack.schema],
    );
    expect(viaProxy).toEqual([{ db: 'cachelab', schema: stack.schema }]);
    expect(await sql(stack.databaseUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(await sql(stack.databaseUrl, "SELECT setting FROM pg_settings WHERE name = 'listen_addresses'")).toEqual([
      { setting: '127.0.0.1' },
    ]);

    const dir = runDir(stack);
    const pids = recordedPids(dir);
    expect(pids).toHaveLength(3);
    expect(pids.every(pidAlive)).toBe(true);
    // The postmaster's unix socket lives in its data dir, nowhere else.
    const postgresPort = new URL(stack.databaseUrl).port;
    expect(existsSync(join(dir, 'postgres', `.s.PGSQL.${postgresPort}`))).toBe(true);
    expect(existsSync(`/tmp/.s.PGSQL.${postgresPort}`)).toBe(false);

    const t1 = Date.now();
    await stack.stop();
    const stopMs = Date.now() - t1;
    await stack.stop(); // idempotent
    console.log(`local stack: start ${startMs} ms, stop ${stopMs} ms`);

    expect(await pidsStillAlive(pids, 0)).toEqual([]);
    expect(processesInside(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect(lines.some((line) => line.startsWith('stack up in'))).toBe(true);
  });

  it('hands --seed to the fault proxy, so its random draws repeat', async () => {
    const stack = await startStack({ mode: 'local', seed: 4242 });
    started.push(stack);
    const proxyPid = recordedPids(runDir(stack)).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('proxy/main'));
    expect(readFileSync(`/proc/${proxyPid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--seed', '4242']));
  });

  it('with keep, leaves the servers and data up after stop and says how to reach them', async () => {
    const stack = await startStack({ mode: 'local', keep: true });
    const dir = runDir(stack);
    const pids = recordedPids(dir);
    try {
      await redisGetSet(stack.redisUrl, `${stack.keyPrefix}kept`, 'yes');
      await stack.stop();

      expect(pids.every(pidAlive)).toBe(true);
      expect(await redisGet(stack.appRedisUrl, `${stack.keyPrefix}kept`)).toBe('yes');
      expect(JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8'))).toMatchObject({ keep: true });
      const text = stack.describe().join('\n');
      expect(text).toContain(`redis-cli -p ${new URL(stack.redisUrl).port}`);
      expect(text).toContain(`psql "$(cat ${join(dir, 'postgres.url')})"`);
      expect(text).not.toContain(new URL(stack.databaseUrl).password);
      expect(readFileSync(join(dir, 'postgres.url'), 'utf8').trim()).toBe(stack.databaseUrl);
      expect(text).toContain(stack.toxiproxyUrl);
      expect(text).toContain(`kill ${pids.join(' ')}`);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGTERM');
      expect(await pidsStillAlive(pids, 10_000)).toEqual([]);
      const { rm } = await import('node:fs/promises');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
