import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PgSettings } from '../../src/drivers/postgres.js';
import { classifyThrown, createRawClients, type RawClients, type Thrown } from '../../src/drivers/raw-clients.js';
import type { RedisSettings } from '../../src/drivers/redis.js';
import { eventually, FaultProxies, settleWithin, upstreamOf, viaProxy, type TestProxy } from './helpers.js';

// The raw ioredis client and pg Pool a strategy module gets, on the suite's real servers behind
// the embedded fault proxy: they throw as their libraries do, and classifyThrown() must say what
// each error means with the drivers' rules (fail: did not happen; unknown: may have).
const REDIS_URL = inject('redisUrl');
const DATABASE_URL = inject('databaseUrl');
const tag = randomBytes(4).toString('hex');
const prefix = `cachelab-test-raw:${tag}:`;
const schema = `cachelab_test_raw_${tag}`;

const redisSettings: RedisSettings = {
  maxRetriesPerRequest: 0,
  enableOfflineQueue: true,
  autoResendUnfulfilledCommands: false,
  commandTimeoutMs: 300,
  connectTimeoutMs: 500,
  retryDelayMs: 20,
};
const pgSettings: PgSettings = { poolMax: 1, connectionTimeoutMs: 500, queryTimeoutMs: 250, idleTimeoutMs: 10_000 };

let proxies: FaultProxies;
let redisDirect: Redis;
let pgDirect: pg.Client;
const opened: RawClients[] = [];
let counter = 0;
const fresh = (): number => ++counter;

beforeAll(async () => {
  proxies = await FaultProxies.start();
  redisDirect = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  pgDirect = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  pgDirect.on('error', () => undefined);
  await pgDirect.connect();
  await pgDirect.query(`CREATE SCHEMA ${schema}`);
  await pgDirect.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, note text NOT NULL)`);
});

afterEach(async () => {
  await proxies.deleteAll();
  await Promise.all(opened.splice(0).map((c) => settleWithin(c.close())));
});

afterAll(async () => {
  const keys = await redisDirect.keys(`${prefix}*`);
  if (keys.length > 0) await redisDirect.del(...keys);
  redisDirect.disconnect();
  await pgDirect.query(`DROP SCHEMA ${schema} CASCADE`);
  await pgDirect.end();
  await proxies.close();
});

/** Raw clients through a Redis proxy and a PostgreSQL proxy of their own. */
async function clients(
  o: { redis?: Partial<RedisSettings>; pg?: Partial<PgSettings>; redisUp?: boolean; pgUp?: boolean } = {},
): Promise<{ raw: RawClients; redisProxy: TestProxy; pgProxy: TestProxy }> {
  const [redisProxy, pgProxy] = await Promise.all([proxies.create(upstreamOf(REDIS_URL)), proxies.create(upstreamOf(DATABASE_URL))]);
  if (o.redisUp === false) await proxies.setEnabled(redisProxy, false);
  if (o.pgUp === false) await proxies.setEnabled(pgProxy, false);
  const raw = createRawClients({
    redisUrl: viaProxy(REDIS_URL, redisProxy),
    keyPrefix: prefix,
    redis: { ...redisSettings, ...o.redis },
    databaseUrl: viaProxy(DATABASE_URL, pgProxy),
    schema,
    pg: { ...pgSettings, ...o.pg },
  });
  opened.push(raw);
  if (o.redisUp !== false) await raw.redis.ping();
  if (o.pgUp !== false) await raw.db.query('SELECT 1');
  return { raw, redisProxy, pgProxy };
}

/** What classifyThrown says of the error `run` throws (it must throw). */
async function thrownBy(run: () => Promise<unknown>): Promise<Thrown & { message: string }> {
  try {
    await run();
  } catch (err) {
    return { ...classifyThrown(err), message: err instanceof Error ? err.message : String(err) };
  }
  throw new Error('expected it to throw');
}

const note = async (id: number): Promise<string | undefined> =>
  (await pgDirect.query<{ note: string }>(`SELECT note FROM ${schema}.items WHERE id = $1`, [id])).rows[0]?.note;
const insert = 'INSERT INTO items (id, note) VALUES ($1, $2)';

describe('raw Redis client of a strategy module', () => {
  it('prefixes keys with the run namespace, so the module uses plain keys', async () => {
    const { raw } = await clients();
    await raw.redis.set('account:x', '42');
    expect(await redisDirect.get(`${prefix}account:x`)).toBe('42');
    expect(await raw.redis.get('account:x')).toBe('42');
  });

  it('classifies a refused command (WRONGTYPE) as fail', async () => {
    const { raw } = await clients();
    const key = `k${fresh()}`;
    await raw.redis.set(key, 'text');
    expect(await thrownBy(() => raw.redis.sadd(key, 'member'))).toMatchObject({ store: true, outcome: 'fail', message: expect.stringContaining('WRONGTYPE') as string });
    expect(await redisDirect.get(prefix + key)).toBe('text');
  });

  it('classifies a command issued while the link is down as fail, and it never runs', async () => {
    const { raw } = await clients({ redis: { enableOfflineQueue: false }, redisUp: false });
    const key = `k${fresh()}`;
    expect(await thrownBy(() => raw.redis.set(key, 'never'))).toMatchObject({ store: true, outcome: 'fail' });
    expect(await redisDirect.get(prefix + key)).toBeNull();
  });

  it('classifies a command whose reply is lost to a closed link as unknown, and it did run', async () => {
    const { raw, redisProxy } = await clients({ redis: { commandTimeoutMs: 2000 } });
    await proxies.addToxic(redisProxy, { type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } });
    const key = `k${fresh()}`;
    expect(await thrownBy(() => raw.redis.set(key, 'landed'))).toMatchObject({ store: true, outcome: 'unknown' });
    expect(await redisDirect.get(prefix + key)).toBe('landed');
  });

  it('classifies a command timeout as unknown, inside MULTI too', async () => {
    const { raw, redisProxy } = await clients({ redis: { commandTimeoutMs: 200 } });
    await proxies.addToxic(redisProxy, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
    const key = `k${fresh()}`;
    expect(await thrownBy(() => raw.redis.set(key, 'landed'))).toMatchObject({ store: true, outcome: 'unknown', message: 'Command timed out' });
    expect(await thrownBy(() => raw.redis.multi().set(`${key}m`, '1').exec())).toMatchObject({ store: true, outcome: 'unknown' });
    expect(await eventually(async () => (await redisDirect.get(prefix + key)) === 'landed')).toBe(true);
  });
});

describe('raw pg Pool of a strategy module', () => {
  it("runs in the run's schema, so the module uses plain table names", async () => {
    const { raw } = await clients();
    const id = fresh();
    await raw.db.query(insert, [id, 'hello']);
    expect(await note(id)).toBe('hello');
  });

  it('classifies a statement the server refuses as fail, naming its SQLSTATE, through pool.query and a checked-out client', async () => {
    const { raw } = await clients();
    const id = fresh();
    await raw.db.query(insert, [id, 'first']);
    expect(await thrownBy(() => raw.db.query(insert, [id, 'second']))).toMatchObject({ store: true, outcome: 'fail', why: expect.stringContaining('23505') as string });
    const client = await raw.db.connect();
    try {
      expect(await thrownBy(() => client.query('SELEC 1'))).toMatchObject({ store: true, outcome: 'fail', message: expect.stringContaining('syntax error') as string });
    } finally {
      client.release();
    }
    expect(await note(id)).toBe('first');
  });

  it('classifies no connection (link down) as fail, from pool.query and pool.connect, and nothing is written', async () => {
    const { raw } = await clients({ pgUp: false });
    const id = fresh();
    expect(await thrownBy(() => raw.db.query(insert, [id, 'never']))).toMatchObject({ store: true, outcome: 'fail', why: expect.stringContaining('nothing was sent') as string });
    expect(await thrownBy(() => raw.db.connect())).toMatchObject({ store: true, outcome: 'fail' });
    expect(await note(id)).toBeUndefined();
  });

  it('classifies a statement whose reply is lost as unknown, and it did commit', async () => {
    const { raw, pgProxy } = await clients();
    await proxies.addToxic(pgProxy, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
    const id = fresh();
    expect(await thrownBy(() => raw.db.query(insert, [id, 'landed']))).toMatchObject({ store: true, outcome: 'unknown', message: 'Query read timeout' });
    expect(await eventually(async () => (await note(id)) === 'landed')).toBe(true);
  });

  it('classifies a link cut under a checked-out client as unknown, and the cut does not crash the process', async () => {
    const { raw, pgProxy } = await clients({ pg: { queryTimeoutMs: 5000 } });
    const client = await raw.db.connect();
    const marker = `raw-cut-${fresh()}`;
    const running = client.query(`SELECT pg_sleep(2), '${marker}'`);
    const active = async (): Promise<boolean> =>
      (await pgDirect.query("SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()", [`%${marker}%`])).rowCount === 1;
    expect(await eventually(active)).toBe(true);
    await proxies.setEnabled(pgProxy, false);
    expect(await thrownBy(() => running)).toMatchObject({ store: true, outcome: 'unknown' });
    client.release(true);
  });
});

describe('classifyThrown', () => {
  it("follows cause: a module that wraps its client's error keeps its meaning", async () => {
    const { raw } = await clients({ pgUp: false });
    const wrapped = await thrownBy(async () => {
      try {
        await raw.db.query('SELECT 1');
      } catch (err) {
        throw new Error('payment failed', { cause: err });
      }
    });
    expect(wrapped).toMatchObject({ store: true, outcome: 'fail', message: 'payment failed' });
  });

  it('calls anything else not a store error (a bug in the module)', () => {
    expect(classifyThrown(new TypeError("Cannot read properties of undefined (reading 'value')"))).toEqual({ store: false });
    expect(classifyThrown('declined')).toEqual({ store: false });
  });
});
