import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { entryPoint } from '../../src/stack/entry-points.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';
import { freeTcpPort, labErrorOf, pidsStillAlive, redisGet, redisGetSet, sql } from './helpers.js';

// The suite's servers stand in for the user's own: we may only touch our namespace on them.
const REDIS_URL = inject('redisUrl');
const DATABASE_URL = inject('databaseUrl');
const hostPortOf = (url: string): string => new URL(url).host;

const sentinelKey = `cachelab-sentinel:${randomBytes(4).toString('hex')}`;
const sentinelTable = `cachelab_sentinel_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  await redisGetSet(REDIS_URL, sentinelKey, 'untouched');
  await sql(DATABASE_URL, `CREATE TABLE public.${sentinelTable} (v text)`);
  await sql(DATABASE_URL, `INSERT INTO public.${sentinelTable} VALUES ('untouched')`);
});

afterAll(async () => {
  // The sentinels must have survived every run of this file; then they are ours to remove.
  expect(await redisGet(REDIS_URL, sentinelKey)).toBe('untouched');
  expect(await sql(DATABASE_URL, `SELECT v FROM public.${sentinelTable}`)).toEqual([{ v: 'untouched' }]);
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  await redis.del(sentinelKey);
  redis.disconnect();
  await sql(DATABASE_URL, `DROP TABLE public.${sentinelTable}`);
});

const started: Stack[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((stack) => stack.stop()));
});

async function waitForRedis(url: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await redisGet(url, 'ping');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

async function start(extra: { toxiproxyUrl?: string; runId?: string } = {}): Promise<Stack> {
  const stack = await startStack({ redisUrl: REDIS_URL, databaseUrl: DATABASE_URL, ...extra });
  started.push(stack);
  return stack;
}

/** Writes a few keys and a table in the run's namespace, through the app's (proxied) URLs. */
async function useNamespace(stack: Stack): Promise<void> {
  for (const i of [1, 2, 3]) await redisGetSet(stack.appRedisUrl, `${stack.keyPrefix}k${i}`, String(i));
  await sql(stack.appDatabaseUrl, `CREATE TABLE ${stack.schema}.accounts (id int primary key, balance int)`);
  await sql(stack.appDatabaseUrl, `INSERT INTO ${stack.schema}.accounts VALUES (1, 5000)`);
}

async function namespaceLeft(stack: Stack): Promise<{ keys: number; schemas: number }> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${stack.keyPrefix}*`);
  redis.disconnect();
  const schemas = await sql(DATABASE_URL, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [stack.schema]);
  return { keys: keys.length, schemas: schemas.length };
}

describe('external stack on running Redis and PostgreSQL', () => {
  it('is chosen by the URLs, starts the embedded proxy, and removes only its own namespace on stop', async () => {
    const stack = await start();
    expect(stack.mode).toBe('external');
    expect(stack.redisUrl).toBe(REDIS_URL);
    expect(stack.proxies.redis.name).toBe('cachelab_redis');
    const appDatabaseUrl = new URL(DATABASE_URL);
    appDatabaseUrl.port = String(stack.proxies.postgres.port);
    expect(stack.appDatabaseUrl).toBe(appDatabaseUrl.toString());
    expect(['none', 'always', 'everysec', 'no']).toContain(stack.redisPersistence);
    expect(stack.canKillRedis).toBe(false);
    await expect(stack.killRedis()).rejects.toMatchObject({ code: 'usage' });

    await useNamespace(stack);
    // Three keys of data and the run's owner lease, which tells later runs this one is alive.
    expect(await namespaceLeft(stack)).toEqual({ keys: 4, schemas: 1 });
    const lease = JSON.parse((await redisGet(REDIS_URL, `${stack.keyPrefix}_lab:owner`)) ?? '{}') as { pid?: number };
    expect(lease.pid).toBe(process.pid);
    const dir = join(tmpdir(), `cachelab-${stack.runId}`);
    const { pids } = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { pids: number[] };
    expect(pids).toHaveLength(1); // the embedded proxy, nothing else

    await stack.stop();
    expect(await namespaceLeft(stack)).toEqual({ keys: 0, schemas: 0 });
    expect(await pidsStillAlive(pids, 0)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  describe('with their Toxiproxy (--toxiproxy-url)', () => {
    let toxiproxy: ChildProcess;
    let toxiproxyUrl: string;

    beforeAll(async () => {
      toxiproxy = spawn(process.execPath, [entryPoint('proxy/main'), '--host', '127.0.0.1', '--port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: toxiproxy.stdout! });
      for await (const line of lines) {
        if (line.includes('"listening"')) {
          toxiproxyUrl = (JSON.parse(line) as { url: string }).url;
          break;
        }
      }
    });

    afterAll(async () => {
      toxiproxy.kill('SIGTERM');
      expect(await pidsStillAlive([toxiproxy.pid!])).toEqual([]);
    });

    const proxyNames = async (): Promise<string[]> =>
      Object.keys((await (await fetch(`${toxiproxyUrl}/proxies`)).json()) as object).sort();

    it('creates run-scoped proxies when it has no cachelab_* ones, and deletes only those', async () => {
      const stack = await start({ toxiproxyUrl });
      expect(stack.toxiproxyUrl).toBe(toxiproxyUrl);
      expect(stack.proxies.redis.name).toBe(`cachelab_${stack.runId}_redis`);
      expect(await proxyNames()).toEqual([`cachelab_${stack.runId}_postgres`, `cachelab_${stack.runId}_redis`]);
      await useNamespace(stack);
      await stack.stop();
      expect(await proxyNames()).toEqual([]);
      expect(await namespaceLeft(stack)).toEqual({ keys: 0, schemas: 0 });
    });

    it('uses pre-populated cachelab_redis / cachelab_postgres as they are and leaves them', async () => {
      for (const [name, upstream] of [
        ['cachelab_redis', hostPortOf(REDIS_URL)],
        ['cachelab_postgres', hostPortOf(DATABASE_URL)],
      ]) {
        const response = await fetch(`${toxiproxyUrl}/proxies`, {
          method: 'POST',
          body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream }),
        });
        expect(response.status).toBe(201);
      }
      const stack = await start({ toxiproxyUrl });
      expect(stack.proxies.redis.name).toBe('cachelab_redis');
      expect(stack.proxies.postgres.name).toBe('cachelab_postgres');
      await useNamespace(stack);
      await stack.stop();
      expect(await proxyNames()).toEqual(['cachelab_postgres', 'cachelab_redis']);
      expect(await namespaceLeft(stack)).toEqual({ keys: 0, schemas: 0 });
    });
  });

  it('kills and restarts Redis with the configured shell commands', async () => {
    // A redis-server of the test's own, so the kill command has something it may kill.
    const dir = await mkdtemp(join(tmpdir(), 'cachelab-test-redis-'));
    const port = await freeTcpPort();
    const pidfile = join(dir, 'redis.pid');
    const startCommand = `redis-server --bind 127.0.0.1 --port ${port} --save '' --dir ${dir} --daemonize yes --pidfile ${pidfile}`;
    await execa(startCommand, { shell: true });
    const url = `redis://127.0.0.1:${port}`;
    try {
      await waitForRedis(url);
      const stack = await startStack({
        redisUrl: url,
        databaseUrl: DATABASE_URL,
        redisKillCommand: `kill -9 $(cat ${pidfile})`,
        redisStartCommand: startCommand,
      });
      try {
        expect(stack.canKillRedis).toBe(true);
        await stack.killRedis();
        await expect(redisGet(url, 'x')).rejects.toThrow();
        await stack.startRedis();
        expect(await redisGetSet(stack.appRedisUrl, `${stack.keyPrefix}back`, 'yes')).toBe('yes');
      } finally {
        await stack.stop(); // while its Redis still runs: stop() deletes the run's keys there
      }
    } finally {
      await execa(`kill $(cat ${pidfile})`, { shell: true, reject: false });
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a run id whose schema exists, without touching that schema', async () => {
    const runId = `taken_${randomBytes(3).toString('hex')}`;
    await sql(DATABASE_URL, `CREATE SCHEMA cachelab_${runId}`);
    try {
      const error = await labErrorOf(start({ runId }));
      expect(error.code).toBe('usage');
      expect(error.message).toContain(`cachelab_${runId} already exists`);
      expect(await sql(DATABASE_URL, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [`cachelab_${runId}`])).toHaveLength(1);
    } finally {
      await sql(DATABASE_URL, `DROP SCHEMA cachelab_${runId}`);
    }
  });

  it('names the service that cannot be reached and how to fix it', async () => {
    const redisError = await labErrorOf(startStack({ redisUrl: 'redis://127.0.0.1:1', databaseUrl: DATABASE_URL }));
    expect(redisError.code).toBe('environment');
    expect(redisError.message).toContain('Redis at redis://127.0.0.1:1 is not usable');
    expect(redisError.hint).toContain('--redis-url');

    const pgError = await labErrorOf(startStack({ redisUrl: REDIS_URL, databaseUrl: 'postgres://root:secret@127.0.0.1:1/test' }));
    expect(pgError.code).toBe('environment');
    expect(pgError.message).toContain('PostgreSQL at postgres://root:***@127.0.0.1:1/test is not usable');

    const runId = `unreachable_${randomBytes(3).toString('hex')}`;
    const deadUrl = `http://127.0.0.1:${await freeTcpPort()}`;
    const toxiError = await labErrorOf(startStack({ redisUrl: REDIS_URL, databaseUrl: DATABASE_URL, toxiproxyUrl: deadUrl, runId }));
    expect(toxiError.code).toBe('environment');
    expect(toxiError.message).toContain(`Toxiproxy at ${deadUrl} is not reachable`);
    expect(toxiError.hint).toContain('--toxiproxy-url');
    expect(await sql(DATABASE_URL, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [`cachelab_${runId}`])).toEqual([]);
  });
});
