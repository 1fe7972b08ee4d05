import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedisDriver, defaultRedisSettings } from '../../src/drivers/redis.js';
import { freeTcpPort } from '../stack/helpers.js';

// The durable-queue edge of the Redis driver (MULTI with SADD/XADD, consumer groups), on the
// suite's real Redis.
const redisUrl = inject('redisUrl');
const prefix = `cachelab-test-streams:${randomBytes(4).toString('hex')}:`;
const stream = '_meta:queue';

describe('RedisDriver streams and atomically', () => {
  const driver = createRedisDriver(redisUrl, prefix, defaultRedisSettings);
  const raw = new Redis(redisUrl);
  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
    await driver.close();
  });

  it('adds to a set with a TTL and to a stream in one MULTI, all inside the namespace', async () => {
    const result = await driver.atomically([
      ['sadd', 'orders:alice', 'o1'],
      ['pexpire', 'orders:alice', '60000'],
      ['xadd', stream, '*', 'key', 'orders:alice', 'item', 'o1'],
    ]);
    expect(result).toEqual({ outcome: 'ok', value: undefined });
    expect(await raw.smembers(`${prefix}orders:alice`)).toEqual(['o1']);
    expect(await raw.pttl(`${prefix}orders:alice`)).toBeGreaterThan(59_000);
    expect(await raw.xlen(`${prefix}${stream}`)).toBe(1);
    expect(await raw.exists('orders:alice', stream)).toBe(0);
  });

  it('delivers each entry once to a consumer, keeps it pending until acknowledged, and lets another consumer claim it', async () => {
    expect(await driver.stream.createGroup(stream, 'writers')).toEqual({ outcome: 'ok', value: true });
    expect(await driver.stream.createGroup(stream, 'writers')).toEqual({ outcome: 'ok', value: false });
    expect(await raw.exists(stream)).toBe(0);
    await driver.atomically([['xadd', stream, '*', 'key', 'orders:alice', 'item', 'o2']]);

    const first = await driver.stream.readGroup(stream, 'writers', 'app-1', 'new', 10);
    expect(first.outcome === 'ok' && first.value.map((e) => e.fields)).toEqual([
      { key: 'orders:alice', item: 'o1' },
      { key: 'orders:alice', item: 'o2' },
    ]);
    expect(await driver.stream.readGroup(stream, 'writers', 'app-1', 'new', 10)).toEqual({ outcome: 'ok', value: [] });
    const mine = await driver.stream.readGroup(stream, 'writers', 'app-1', 'mine', 10);
    expect(mine.outcome === 'ok' && mine.value.length).toBe(2);
    expect(await driver.stream.pending(stream, 'writers')).toEqual({ outcome: 'ok', value: 2 });

    // app-1 dies: app-2 takes over what it held once it has been idle long enough.
    expect(await driver.stream.claim(stream, 'writers', 'app-2', 60_000, 10)).toEqual({ outcome: 'ok', value: [] });
    const claimed = await driver.stream.claim(stream, 'writers', 'app-2', 0, 10);
    expect(claimed.outcome === 'ok' && claimed.value.map((e) => e.fields.item)).toEqual(['o1', 'o2']);
    const ids = claimed.outcome === 'ok' ? claimed.value.map((e) => e.id) : [];

    expect(await driver.stream.ackAndDelete(stream, 'writers', ids[0] ?? '')).toEqual({ outcome: 'ok', value: 1 });
    expect(await driver.stream.ackAndDelete(stream, 'writers', ids[0] ?? '')).toEqual({ outcome: 'ok', value: 0 });
    expect(await driver.stream.pending(stream, 'writers')).toEqual({ outcome: 'ok', value: 1 });
    expect(await raw.xlen(`${prefix}${stream}`)).toBe(1);
  });

  it('answers fail when the group is gone, as after a Redis restart without persistence', async () => {
    await raw.del(`${prefix}${stream}`);
    expect((await driver.stream.readGroup(stream, 'writers', 'app-1', 'new', 10)).outcome).toBe('fail');
    expect((await driver.stream.pending(stream, 'writers')).outcome).toBe('fail');
  });

  it('answers fail when it could not be sent', async () => {
    const dead = createRedisDriver(`redis://127.0.0.1:${await freeTcpPort()}`, prefix, { ...defaultRedisSettings, enableOfflineQueue: false });
    expect((await dead.stream.readGroup(stream, 'writers', 'app-1', 'new', 1)).outcome).toBe('fail');
    expect((await dead.atomically([['sadd', 'orders:bob', 'o1']])).outcome).toBe('fail');
    await dead.close();
  });
});
