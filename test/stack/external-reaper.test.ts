import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { entryPoint } from '../../src/stack/entry-points.js';
import { reapDeadRuns } from '../../src/stack/run-owner.js';
import { startStack } from '../../src/stack/stack.js';
import { sql } from './helpers.js';

// Leftovers of killed external-mode runs in the user's servers, removed by the next run; live
// runs and anything without an owner record left alone. On the suite's servers and a proxy of ours,
// in a Redis database and a PostgreSQL database of this file's own: a run of another test file
// (another fault proxy) would otherwise reap a killed run here too, all but its proxies.
const isolated = `reapertest_${process.pid}`;
const redisUrl = Object.assign(new URL(inject('redisUrl')), { pathname: '/3' }).toString();
const databaseUrl = Object.assign(new URL(inject('databaseUrl')), { pathname: `/${isolated}` }).toString();
const cli = join(import.meta.dirname, '../../bin/cachelab.js');

async function leftovers(runId: string, toxiproxyUrl: string): Promise<{ keys: number; schema: boolean; proxies: string[] }> {
  const redis = new Redis(redisUrl);
  const keys = (await redis.keys(`cachelab:${runId}:*`)).length;
  redis.disconnect();
  const schema = (await sql(databaseUrl, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [`cachelab_${runId}`])).length === 1;
  const proxies = Object.keys((await (await fetch(`${toxiproxyUrl}/proxies`)).json()) as object).filter((name) => name.includes(runId));
  return { keys, schema, proxies };
}

describe('leftovers of killed external runs', () => {
  let proxy: ReturnType<typeof execa>;
  let toxiproxyUrl: string;
  beforeAll(async () => {
    await sql(inject('databaseUrl'), `CREATE DATABASE ${isolated}`);
    proxy = execa('node', [entryPoint('proxy/main'), '--host', '127.0.0.1', '--port', '0'], { reject: false });
    toxiproxyUrl = await new Promise<string>((resolve) =>
      proxy.stdout?.on('data', (chunk: Buffer) => {
        const url = /"url":"([^"]+)"/.exec(chunk.toString())?.[1];
        if (url) resolve(url);
      }),
    );
  });
  afterAll(async () => {
    proxy.kill('SIGTERM');
    await proxy;
    await sql(inject('databaseUrl'), `DROP DATABASE IF EXISTS ${isolated} WITH (FORCE)`);
  });

  it('are removed by a run started right after the SIGKILL: keys, schema and proxies, and the next run leaves nothing', async () => {
    const run = execa('node', [cli, 'run', 'payment-double-spend', '--verbose', '--redis-url', redisUrl, '--database-url', databaseUrl, '--toxiproxy-url', toxiproxyUrl], {
      env: { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' },
      reject: false,
    });
    let stderr = '';
    const runId = await new Promise<string>((resolve) =>
      run.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const id = /keys cachelab:([a-z0-9_]+):\*/.exec(stderr)?.[1];
        if (id && stderr.includes('running payment-double-spend')) resolve(id);
      }),
    );
    run.kill('SIGKILL');
    await run;
    const left = await leftovers(runId, toxiproxyUrl);
    expect(left.schema).toBe(true);
    expect(left.keys).toBeGreaterThan(0);
    expect(left.proxies.sort()).toEqual([`cachelab_${runId}_postgres`, `cachelab_${runId}_redis`]);

    // (Another test file's run on the same servers may be the one that reaps it: either way it is gone.)
    const next = await startStack({ redisUrl, databaseUrl, toxiproxyUrl });
    expect(await leftovers(runId, toxiproxyUrl)).toEqual({ keys: 0, schema: false, proxies: [] });
    await next.stop();
    expect(await leftovers(next.runId, toxiproxyUrl)).toEqual({ keys: 0, schema: false, proxies: [] });
  });

  it('leave a live run alone: two runs at once both keep their namespace', async () => {
    const first = await startStack({ redisUrl, databaseUrl, toxiproxyUrl });
    try {
      const second = await startStack({ redisUrl, databaseUrl, toxiproxyUrl });
      await second.stop();
      const left = await leftovers(first.runId, toxiproxyUrl);
      expect(left.schema).toBe(true);
      expect(left.keys).toBe(1); // its owner lease
      expect(left.proxies).toHaveLength(2);
    } finally {
      await first.stop();
    }
  });

  it('judge an owner on another host by its lease, and leave a namespace without an owner record alone', async () => {
    const tag = randomBytes(3).toString('hex');
    const [leased, expired, unowned] = [`far_leased_${tag}`, `far_expired_${tag}`, `unowned_${tag}`];
    const record = JSON.stringify({ host: 'another-host', pid: 1, startedAt: '', keep: false });
    for (const runId of [leased, expired]) {
      await sql(databaseUrl, `CREATE SCHEMA cachelab_${runId}`);
      await sql(databaseUrl, `COMMENT ON SCHEMA cachelab_${runId} IS '${record}'`);
    }
    await sql(databaseUrl, `CREATE SCHEMA cachelab_${unowned}`);
    const redis = new Redis(redisUrl);
    await redis.set(`cachelab:${leased}:_lab:owner`, record, 'PX', 60_000);
    await redis.set(`cachelab:${expired}:data`, 'x'); // its lease has expired: only data is left
    await redis.set(`cachelab:${unowned}:data`, 'x');
    try {
      const reaped = await reapDeadRuns({ redisUrl, databaseUrl, toxiproxyUrl: undefined }, 'none', () => undefined);
      expect(reaped).not.toContain(leased);
      expect(reaped).not.toContain(unowned);
      expect(await redis.get(`cachelab:${expired}:data`)).toBeNull();
      expect(await redis.get(`cachelab:${unowned}:data`)).toBe('x');
      expect(await sql(databaseUrl, 'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1', [[leased, expired, unowned].map((r) => `cachelab_${r}`)])).toEqual([
        { nspname: `cachelab_${leased}` },
        { nspname: `cachelab_${unowned}` },
      ]);
    } finally {
      await redis.del(`cachelab:${leased}:_lab:owner`, `cachelab:${unowned}:data`);
      redis.disconnect();
      for (const runId of [leased, expired, unowned]) await sql(databaseUrl, `DROP SCHEMA IF EXISTS cachelab_${runId}`);
    }
  });
});
