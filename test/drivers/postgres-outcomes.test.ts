import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createDbDriver, type DbDriver, type PgSettings } from '../../src/drivers/postgres.js';
import { failed, ok } from '../../src/drivers/result.js';
import { eventually, FaultProxies, settleWithin, upstreamOf, viaProxy, type TestProxy } from './helpers.js';

// ok / fail / unknown as createDbDriver classifies them, on the suite's real PostgreSQL with the
// embedded fault proxy in between. `fail` must mean "did not happen", `unknown` "may have".
const DATABASE_URL = inject('databaseUrl');
const schema = `cachelab_test_pg_outcomes_${randomBytes(4).toString('hex')}`;

const quick: PgSettings = { poolMax: 1, connectionTimeoutMs: 500, queryTimeoutMs: 250, idleTimeoutMs: 10_000 };

let proxies: FaultProxies;
/** Straight to PostgreSQL, not through any proxy: what really happened. */
let direct: pg.Client;
const drivers: DbDriver[] = [];
let counter = 0;
const freshId = (): number => ++counter;

async function stored(id: number): Promise<string | undefined> {
  const res = await direct.query<{ note: string }>(`SELECT note FROM ${schema}.items WHERE id = $1`, [id]);
  return res.rows[0]?.note;
}

/**
 * 'error' events a pg client emitted with no listener. Each would be an uncaught exception that
 * kills the app process; here they are recorded and swallowed, so that a test can assert there
 * were none without taking the test worker down.
 */
const unheard: string[] = [];

beforeAll(async () => {
  vi.spyOn(pg.Client.prototype, 'emit').mockImplementation(function (this: pg.Client, event: string | symbol, ...args: unknown[]) {
    if (event === 'error' && this.listenerCount('error') === 0) {
      unheard.push(String(args[0]));
      return false;
    }
    return EventEmitter.prototype.emit.call(this, event, ...args);
  });
  proxies = await FaultProxies.start();
  direct = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  direct.on('error', () => undefined);
  await direct.connect();
  await direct.query(`CREATE SCHEMA ${schema}`);
  await direct.query(`CREATE TABLE ${schema}.items (id int PRIMARY KEY, note text NOT NULL)`);
});

beforeEach(() => {
  unheard.length = 0;
});

afterEach(async () => {
  // Proxies first: that closes every link, so no pool waits on one while ending.
  await proxies.deleteAll();
  await Promise.all(drivers.splice(0).map((driver) => settleWithin(driver.close())));
});

afterAll(async () => {
  await direct.query(`DROP SCHEMA ${schema} CASCADE`);
  await direct.end();
  await proxies.close();
  vi.restoreAllMocks();
});

async function behindProxy(settings: Partial<PgSettings> = {}, enabled = true): Promise<{ proxy: TestProxy; db: DbDriver }> {
  const proxy = await proxies.create(upstreamOf(DATABASE_URL));
  if (!enabled) await proxies.setEnabled(proxy, false);
  const db = createDbDriver(viaProxy(DATABASE_URL, proxy), schema, { ...quick, ...settings });
  drivers.push(db);
  return { proxy, db };
}

/** A driver whose pool holds one open, idle connection (poolMax 1), so a toxic added next applies to it. */
async function connected(settings: Partial<PgSettings> = {}): Promise<{ proxy: TestProxy; db: DbDriver }> {
  const link = await behindProxy(settings);
  expect(await link.db.query('SELECT 1 AS one')).toEqual({ outcome: 'ok', value: [{ one: 1 }] });
  return link;
}

const insert = 'INSERT INTO items (id, note) VALUES ($1, $2)';

describe('PostgreSQL driver outcomes behind the fault proxy', () => {
  it('answers ok with the rows on a healthy link, in the schema it was given', async () => {
    const { db } = await connected();
    const id = freshId();
    expect(await db.query(`${insert} RETURNING id`, [id, 'hello'])).toEqual({ outcome: 'ok', value: [{ id }] });
    expect(await db.query('SELECT note FROM items WHERE id = $1', [id])).toEqual({ outcome: 'ok', value: [{ note: 'hello' }] });
    expect(await stored(id)).toBe('hello');
  });

  it('answers fail when the server refuses a statement (syntax error, unique violation), and the pool stays usable', async () => {
    const { db } = await connected();
    expect(await db.query('SELEC 1')).toMatchObject({ outcome: 'fail', error: expect.stringContaining('syntax error') as string });
    const id = freshId();
    expect((await db.query(insert, [id, 'first'])).outcome).toBe('ok');
    expect(await db.query(insert, [id, 'second'])).toMatchObject({ outcome: 'fail', error: expect.stringContaining('duplicate key') as string });
    expect(await stored(id)).toBe('first');
    expect((await db.query('SELECT 1')).outcome).toBe('ok');
  });

  it('answers fail when no connection can be made (proxy disabled): nothing was sent', async () => {
    const { db } = await behindProxy({}, false);
    const id = freshId();
    expect((await db.query(insert, [id, 'never'])).outcome).toBe('fail');
    expect((await db.begin()).outcome).toBe('fail');
    let bodyRan = false;
    const tx = await db.transaction(() => {
      bodyRan = true;
      return Promise.resolve(ok(undefined));
    });
    expect(tx.outcome).toBe('fail');
    expect(bodyRan).toBe(false);
    expect(await stored(id)).toBeUndefined();
  });

  it('answers unknown when the reply never comes (downstream timeout toxic) although the statement committed, and then runs on a fresh connection', async () => {
    const { proxy, db } = await connected();
    const swallow = await proxies.addToxic(proxy, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
    const id = freshId();
    expect(await db.query(insert, [id, 'landed'])).toMatchObject({ outcome: 'unknown', error: 'Query read timeout' });
    expect(await eventually(async () => (await stored(id)) === 'landed')).toBe(true);
    await proxies.removeToxic(proxy, swallow);
    expect(await db.query('SELECT note FROM items WHERE id = $1', [id])).toEqual({ outcome: 'ok', value: [{ note: 'landed' }] });
  });

  it('answers unknown when the link is cut while a statement runs, and the statement still committed', async () => {
    const { proxy, db } = await connected({ queryTimeoutMs: 5000 });
    const id = freshId();
    const marker = `cut-mid-query-${id}`;
    const running = db.query(`INSERT INTO items (id, note) SELECT $1, '${marker}' FROM pg_sleep(0.4)`, [id]);
    const active = async (): Promise<boolean> =>
      (
        await direct.query(
          "SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE $1",
          [`%${marker}%`],
        )
      ).rowCount === 1;
    expect(await eventually(active)).toBe(true);
    await proxies.setEnabled(proxy, false);
    expect((await running).outcome).toBe('unknown');
    expect(await eventually(async () => (await stored(id)) === marker)).toBe(true);
  });

  it('answers fail for a transaction whose statement the server refuses, and commits none of it', async () => {
    const { db } = await connected();
    const [taken, id] = [freshId(), freshId()];
    expect((await db.query(insert, [taken, 'taken'])).outcome).toBe('ok');
    const result = await db.transaction(async (tx) => {
      const first = await tx.query(insert, [id, 'part of it']);
      if (first.outcome !== 'ok') return first;
      return tx.query(insert, [taken, 'duplicate']);
    });
    expect(result).toMatchObject({ outcome: 'fail', error: expect.stringContaining('duplicate key') as string });
    expect(await stored(id)).toBeUndefined();
    expect((await db.query('SELECT 1')).outcome).toBe('ok');
  });

  it('answers fail from transaction() when the body gives up, and rolls back what the body did', async () => {
    const { db } = await connected();
    const id = freshId();
    const result = await db.transaction(async (tx) => {
      const row = await tx.query(insert, [id, 'rolled back']);
      if (row.outcome !== 'ok') return row;
      return failed('fail', new Error('declined'));
    });
    expect(result).toEqual({ outcome: 'fail', error: 'declined' });
    expect(await stored(id)).toBeUndefined();
  });

  it('answers fail for a statement in a transaction whose reply is lost, commits none of it, and ends the transaction', async () => {
    const { proxy, db } = await connected();
    const [first, second] = [freshId(), freshId()];
    const begun = await db.begin();
    if (begun.outcome !== 'ok') throw new Error(`BEGIN: ${begun.error}`);
    const tx = begun.value;
    expect((await tx.query(insert, [first, 'uncommitted'])).outcome).toBe('ok');
    await proxies.addToxic(proxy, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
    expect(await tx.query(insert, [second, 'uncommitted'])).toMatchObject({ outcome: 'fail', error: 'Query read timeout' });
    expect(await tx.commit()).toEqual({ outcome: 'fail', error: 'transaction already finished' });
    expect(await stored(first)).toBeUndefined();
    expect(await stored(second)).toBeUndefined();
  });

  it('hears the error of a pooled connection that dies while checked out, so a cut link cannot crash the app process', async () => {
    const { proxy, db } = await connected();
    const [first, second] = [freshId(), freshId()];
    const begun = await db.begin();
    if (begun.outcome !== 'ok') throw new Error(`BEGIN: ${begun.error}`);
    const tx = begun.value;
    expect((await tx.query(insert, [first, 'uncommitted'])).outcome).toBe('ok');
    // The link goes down while the transaction holds its connection between two statements.
    await proxies.setEnabled(proxy, false);
    expect((await tx.query(insert, [second, 'uncommitted'])).outcome).toBe('fail');
    expect(await stored(first)).toBeUndefined();
    expect(unheard).toEqual([]);
  });

  it('answers unknown when the answer to COMMIT is lost, although the server committed', async () => {
    const { proxy, db } = await connected();
    const id = freshId();
    const begun = await db.begin();
    if (begun.outcome !== 'ok') throw new Error(`BEGIN: ${begun.error}`);
    expect((await begun.value.query(insert, [id, 'committed'])).outcome).toBe('ok');
    await proxies.addToxic(proxy, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
    expect(await begun.value.commit()).toMatchObject({ outcome: 'unknown', error: 'Query read timeout' });
    expect(await eventually(async () => (await stored(id)) === 'committed')).toBe(true);
  });

  it('gives its pooled connection back when BEGIN gets no answer in time', async () => {
    // One pooled connection; BEGIN's reply comes after the query timeout.
    const { proxy, db } = await connected({ poolMax: 1, queryTimeoutMs: 200, connectionTimeoutMs: 300 });
    const slow = await proxies.addToxic(proxy, { type: 'latency', stream: 'downstream', attributes: { latency: 400, jitter: 0 } });
    expect(await db.begin()).toMatchObject({ outcome: 'fail', error: 'Query read timeout' });
    await proxies.removeToxic(proxy, slow);
    // The link is healthy again: the next statement must get a connection.
    expect(await db.query('SELECT 1 AS one')).toEqual({ outcome: 'ok', value: [{ one: 1 }] });
  });
});
