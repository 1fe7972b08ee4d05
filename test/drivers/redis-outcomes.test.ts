import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisDriver, type RedisDriver, type RedisSettings } from '../../src/drivers/redis.js';
import { eventually, FaultProxies, settleWithin, upstreamOf, viaProxy, type TestProxy } from './helpers.js';

// ok / fail / unknown as createRedisDriver classifies them, on the suite's real Redis with the
// embedded fault proxy in between. `fail` must mean "did not happen", `unknown` "may have".
const REDIS_URL = inject('redisUrl');
const prefix = `cachelab-test-redis-outcomes:${randomBytes(4).toString('hex')}:`;

const quick: RedisSettings = {
  maxRetriesPerRequest: 0,
  enableOfflineQueue: true,
  autoResendUnfulfilledCommands: false,
  commandTimeoutMs: 300,
  connectTimeoutMs: 500,
  retryDelayMs: 20,
};

let proxies: FaultProxies;
/** Straight to Redis, not through any proxy: what really happened. */
let direct: Redis;
const drivers: RedisDriver[] = [];
let counter = 0;
const freshKey = (): string => `k${++counter}`;
const stored = (key: string): Promise<string | null> => direct.get(prefix + key);

beforeAll(async () => {
  proxies = await FaultProxies.start();
  direct = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  // Proxies first: that closes every link, so no driver waits on one while closing.
  await proxies.deleteAll();
  await Promise.all(drivers.splice(0).map((driver) => settleWithin(driver.close())));
});

afterAll(async () => {
  const keys = await direct.keys(`${prefix}*`);
  if (keys.length > 0) await direct.del(...keys);
  direct.disconnect();
  await proxies.close();
});

async function behindProxy(settings: Partial<RedisSettings> = {}, enabled = true): Promise<{ proxy: TestProxy; cache: RedisDriver }> {
  const proxy = await proxies.create(upstreamOf(REDIS_URL));
  if (!enabled) await proxies.setEnabled(proxy, false);
  const cache = createRedisDriver(viaProxy(REDIS_URL, proxy), prefix, { ...quick, ...settings });
  drivers.push(cache);
  return { proxy, cache };
}

/** A driver whose link is up: its first PING has been answered. */
async function connected(settings: Partial<RedisSettings> = {}): Promise<{ proxy: TestProxy; cache: RedisDriver }> {
  const link = await behindProxy(settings);
  expect(await link.cache.ping()).toEqual({ outcome: 'ok', value: undefined });
  return link;
}

describe('Redis driver outcomes behind the fault proxy', () => {
  it('answers ok on a healthy link, and what it wrote is in Redis', async () => {
    const { cache } = await connected();
    const key = freshKey();
    expect(await cache.set(key, '150', 60_000)).toEqual({ outcome: 'ok', value: undefined });
    expect(await cache.get(key)).toEqual({ outcome: 'ok', value: '150' });
    const entry = await cache.entry(key);
    expect(entry.outcome === 'ok' && entry.value?.value).toBe('150');
    expect(entry.outcome === 'ok' && entry.value?.ttlMs).toBeGreaterThan(0);
    expect(await cache.setIfAbsent(key, 'other')).toEqual({ outcome: 'ok', value: false });
    expect(await stored(key)).toBe('150');
    expect(await cache.del(key)).toEqual({ outcome: 'ok', value: 1 });
    expect(await stored(key)).toBeNull();
  });

  it('answers fail when Redis refuses the command (WRONGTYPE), and the key is unchanged', async () => {
    const { cache } = await connected();
    const key = freshKey();
    expect((await cache.set(key, 'text')).outcome).toBe('ok');
    const refused = await cache.sadd(key, 'member');
    expect(refused).toMatchObject({ outcome: 'fail', error: expect.stringContaining('WRONGTYPE') as string });
    expect(await stored(key)).toBe('text');
  });

  it('answers fail for a MULTI that Redis discards (a malformed command inside), and applies none of it', async () => {
    const { cache } = await connected();
    const [first, second] = [freshKey(), freshKey()];
    const aborted = await cache.atomically([
      ['set', first, '1'],
      ['set', second], // no value: refused when queued, so EXEC discards the whole transaction
    ]);
    expect(aborted).toMatchObject({ outcome: 'fail', error: expect.stringContaining('EXECABORT') as string });
    expect(await stored(first)).toBeNull();
  });

  it('answers unknown for a MULTI in which one command fails at run time: Redis applied the others', async () => {
    const { cache } = await connected();
    const [set, text] = [freshKey(), freshKey()];
    expect((await cache.set(text, 'text')).outcome).toBe('ok');
    const partial = await cache.atomically([
      ['set', set, '1'],
      ['sadd', text, 'member'], // WRONGTYPE, only when EXEC runs it
    ]);
    expect(partial).toMatchObject({ outcome: 'unknown', error: expect.stringContaining('WRONGTYPE') as string });
    expect(await stored(set)).toBe('1');
  });

  it('answers fail at once for a command issued while the link is down and the offline queue is off', async () => {
    const { cache } = await behindProxy({ enableOfflineQueue: false }, false);
    const key = freshKey();
    const result = await cache.set(key, 'never');
    expect(result).toMatchObject({ outcome: 'fail', error: expect.stringContaining("Stream isn't writeable") as string });
    expect(await stored(key)).toBeNull();
  });

  it('answers fail for a command queued offline while the link is down, and does not send it once the link is back', async () => {
    const { proxy, cache } = await behindProxy({ enableOfflineQueue: true }, false);
    const key = freshKey();
    // Queued while reconnecting; maxRetriesPerRequest 0 rejects it at the next failed attempt.
    expect(await cache.set(key, 'never')).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/max retries per request/i) as string });
    await proxies.setEnabled(proxy, true);
    expect(await eventually(async () => (await cache.ping()).outcome === 'ok')).toBe(true);
    expect(await stored(key)).toBeNull();
  });

  it('answers unknown when the reply is swallowed (downstream timeout toxic), and the command did run', async () => {
    const { proxy, cache } = await connected({ commandTimeoutMs: 200 });
    await proxies.addToxic(proxy, { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } });
    const key = freshKey();
    expect(await cache.set(key, 'landed')).toMatchObject({ outcome: 'unknown', error: expect.stringMatching(/timed out/i) as string });
    expect(await eventually(async () => (await stored(key)) === 'landed')).toBe(true);
  });

  it('answers unknown when the command is swallowed before Redis (upstream timeout toxic): the driver cannot tell, and it did not run', async () => {
    const { proxy, cache } = await connected({ commandTimeoutMs: 200 });
    await proxies.addToxic(proxy, { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    const key = freshKey();
    expect((await cache.set(key, 'lost')).outcome).toBe('unknown');
    expect(await stored(key)).toBeNull();
  });

  it('answers unknown when the link closes after the command ran and before its reply came (downstream reset_peer)', async () => {
    const { proxy, cache } = await connected({ commandTimeoutMs: 2000 });
    // On an open connection reset_peer drops the first chunk in its direction (the reply) and closes.
    await proxies.addToxic(proxy, { type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } });
    const key = freshKey();
    const started = performance.now();
    const result = await cache.set(key, 'landed');
    expect(result.outcome).toBe('unknown');
    // Settled by the closed link, not by the command timeout.
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await stored(key)).toBe('landed');
  });

  it('answers unknown when a downstream latency outlasts commandTimeoutMs although the command took effect, and the late reply is not taken for the next command', async () => {
    const { proxy, cache } = await connected({ commandTimeoutMs: 150 });
    const latency = await proxies.addToxic(proxy, { type: 'latency', stream: 'downstream', attributes: { latency: 600, jitter: 0 } });
    const key = freshKey();
    expect(await cache.set(key, 'landed')).toMatchObject({ outcome: 'unknown', error: expect.stringMatching(/timed out/i) as string });
    expect(await eventually(async () => (await stored(key)) === 'landed')).toBe(true);
    await proxies.removeToxic(proxy, latency);
    expect(await cache.get(key)).toEqual({ outcome: 'ok', value: 'landed' });
    expect(await cache.del(key)).toEqual({ outcome: 'ok', value: 1 });
  });

  it('answers unknown, not fail, for a command queued before the link was ready that was then sent and lost its reply', async () => {
    // The link's handshake (the ready check) and every reply take 400 ms. SET is issued before the
    // link is ready, so it waits in the offline queue; it is sent when the link becomes ready
    // (~400 ms), runs at once, and its reply (~800 ms) comes after the 600 ms command timeout.
    const proxy = await proxies.create(upstreamOf(REDIS_URL));
    await proxies.addToxic(proxy, { type: 'latency', stream: 'downstream', attributes: { latency: 400, jitter: 0 } });
    const cache = createRedisDriver(viaProxy(REDIS_URL, proxy), prefix, { ...quick, commandTimeoutMs: 600 });
    drivers.push(cache);
    const key = freshKey();
    const result = await cache.set(key, 'landed');
    expect(await eventually(async () => (await stored(key)) === 'landed')).toBe(true);
    // It happened, so `fail` ("certainly did not happen") would be a lie.
    expect(result.outcome).toBe('unknown');
  });
});
