import { existsSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadReplica, Stack } from '../../src/stack/contract.js';
import { reapDeadRuns } from '../../src/stack/run-owner.js';
import { startStack } from '../../src/stack/stack.js';
import { pidsStillAlive, serverPids } from './helpers.js';

/** One query on a fresh connection (test-side, independent of the lab's clients). */
async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Polls `probe` until it is true or `timeoutMs` passes; returns the last answer. */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const names = async (stack: Stack, replica: ReadReplica): Promise<Record<string, string[]>> => ({
  publications: (await query<{ n: string }>(stack.databaseUrl, 'SELECT pubname AS n FROM pg_publication')).map((r) => r.n),
  slots: (await query<{ n: string }>(stack.databaseUrl, 'SELECT slot_name AS n FROM pg_replication_slots')).map((r) => r.n),
  subscriptions: (await query<{ n: string }>(replica.databaseUrl, 'SELECT subname AS n FROM pg_subscription')).map((r) => r.n),
});

describe('the local read replica', () => {
  const lines: string[] = [];
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: 'local', runId: `replica_${process.pid}`, log: (line) => lines.push(line) });
  });
  afterAll(async () => {
    await stack.stop();
  });

  it('is not started until asked for; then follows the primary through the replication proxy, lagging by its latency', async () => {
    const dir = lines.find((line) => line.startsWith('starting Redis'));
    expect(dir).not.toContain('read replica');
    expect(existsSync(join(tmpdir(), `cachelab-${stack.runId}`, 'replica'))).toBe(false);

    const replica = await stack.readReplica();
    expect(await stack.readReplica()).toBe(replica);
    expect(stack.readReplicaMissing).toBeUndefined();
    const [primaryLevel] = await query<{ wal_level: string }>(stack.databaseUrl, 'SHOW wal_level');
    expect(primaryLevel?.wal_level).toBe('logical');

    await query(stack.databaseUrl, `CREATE TABLE ${stack.schema}.records (key text PRIMARY KEY, value bigint NOT NULL)`);
    await replica.replicate(stack.schema, ['CREATE TABLE IF NOT EXISTS records (key text PRIMARY KEY, value bigint NOT NULL)']);
    await replica.replicate(stack.schema, []); // idempotent
    const name = `cachelab_${stack.runId}`;
    expect(await names(stack, replica)).toEqual({ publications: [name], slots: [name], subscriptions: [name] });

    await query(stack.databaseUrl, `INSERT INTO ${stack.schema}.records VALUES ('a', 1)`);
    await replica.waitCaughtUp(10_000);
    expect(await query(replica.databaseUrl, `SELECT key, value::int FROM ${stack.schema}.records`)).toEqual([{ key: 'a', value: 1 }]);

    // 600 ms of latency on the replication link: the update reaches the replica that late, and the
    // subscription's applied position (remote_lsn) reaches the primary's position after the commit.
    const api = new URL(stack.toxiproxyUrl);
    const toxic = await fetch(new URL(`/proxies/${replica.replicationProxy.name}/toxics`, api), {
      method: 'POST',
      body: JSON.stringify({ type: 'latency', stream: 'downstream', attributes: { latency: 600 } }),
    });
    expect(toxic.status).toBe(200);
    const committedAt = Date.now();
    await query(stack.databaseUrl, `UPDATE ${stack.schema}.records SET value = 2`);
    const [{ lsn } = { lsn: '' }] = await query<{ lsn: string }>(stack.databaseUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
    const applied = (): Promise<boolean> =>
      query<{ v: number }>(replica.databaseUrl, `SELECT value::int AS v FROM ${stack.schema}.records`).then((rows) => rows[0]?.v === 2);
    expect(await applied()).toBe(false);
    expect(await eventually(applied)).toBe(true);
    expect(Date.now() - committedAt).toBeGreaterThanOrEqual(600);
    const [position] = await query<{ reached: boolean }>(
      replica.databaseUrl,
      `SELECT s.remote_lsn >= $2::pg_lsn AS reached FROM pg_replication_origin_status s
         JOIN pg_subscription sub ON s.external_id = 'pg_' || sub.oid WHERE sub.subname = $1`,
      [replica.subscription, lsn],
    );
    expect(position?.reached).toBe(true);
    await fetch(new URL(`/proxies/${replica.replicationProxy.name}/toxics/latency_downstream`, api), { method: 'DELETE' });

    // stop() removes the subscription, the slot and the publication, and can start again.
    expect(await replica.stop()).toBe(true);
    expect(await replica.stop()).toBe(false);
    expect(await names(stack, replica)).toEqual({ publications: [], slots: [], subscriptions: [] });
    await replica.replicate(stack.schema, []);
    expect(await names(stack, replica)).toEqual({ publications: [name], slots: [name], subscriptions: [name] });
  });

  it("a killed run's publication and slot on a shared primary are reaped with its schema", async () => {
    const dead = `deadreplica_${process.pid}`;
    // A PID that is not running: ours plus a large offset is, on this host, unlikely to be live; check it.
    const pid = 4_000_000 + (process.pid % 100_000);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    const owner = JSON.stringify({ host: hostname(), pid, startedAt: new Date().toISOString(), keep: false });
    await query(stack.databaseUrl, `CREATE SCHEMA cachelab_${dead}`);
    await query(stack.databaseUrl, `COMMENT ON SCHEMA cachelab_${dead} IS '${owner}'`);
    await query(stack.databaseUrl, `CREATE PUBLICATION cachelab_${dead} FOR TABLES IN SCHEMA cachelab_${dead}`);
    await query(stack.databaseUrl, "SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [`cachelab_${dead}`]);

    const reaped = await reapDeadRuns({ redisUrl: stack.redisUrl, databaseUrl: stack.databaseUrl, toxiproxyUrl: undefined }, stack.runId, () => undefined);
    expect(reaped).toContain(dead);
    expect(await query(stack.databaseUrl, 'SELECT 1 FROM pg_publication WHERE pubname = $1', [`cachelab_${dead}`])).toEqual([]);
    expect(await query(stack.databaseUrl, 'SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [`cachelab_${dead}`])).toEqual([]);
    expect(await query(stack.databaseUrl, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [`cachelab_${dead}`])).toEqual([]);
  });

  it('stop() removes the replication, then stops both postmasters and removes the run dir', async () => {
    const dir = join(tmpdir(), `cachelab-${stack.runId}`);
    const { all } = serverPids(dir);
    const record = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { postmasterPids: number[] };
    expect(record.postmasterPids).toHaveLength(2);
    await stack.stop();
    expect(lines).toContain(`removed the subscription, slot and publication cachelab_${stack.runId}`);
    expect(await pidsStillAlive(all)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
