import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedisDriver, defaultRedisSettings } from '../../src/drivers/redis.js';

// The counter commands against the suite's real Redis, in a key prefix of their own.
const redisUrl = inject('redisUrl');
const prefix = `cachelab:countertest_${randomBytes(4).toString('hex')}:`;

describe('the Redis driver counter commands', () => {
  const driver = createRedisDriver(redisUrl, prefix, defaultRedisSettings);
  const raw = new Redis(redisUrl);

  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
    await driver.close();
  });

  it('adjusts a counter inside the run prefix, never below zero, and never creates one', async () => {
    expect(await driver.adjustCounter('stock', -1)).toEqual({ outcome: 'ok', value: 'missing' });
    expect(await raw.exists(`${prefix}stock`)).toBe(0);

    await raw.set(`${prefix}stock`, '2', 'PX', 60_000);
    expect(await driver.adjustCounter('stock', -1)).toEqual({ outcome: 'ok', value: 1 });
    expect(await driver.adjustCounter('stock', -1)).toEqual({ outcome: 'ok', value: 0 });
    expect(await driver.adjustCounter('stock', -1)).toEqual({ outcome: 'ok', value: 'insufficient' });
    expect(await driver.adjustCounter('stock', 1)).toEqual({ outcome: 'ok', value: 1 });
    expect(await raw.get(`${prefix}stock`)).toBe('1');
    expect(await raw.pttl(`${prefix}stock`)).toBeGreaterThan(0); // the TTL survives
    expect(await raw.exists('stock')).toBe(0); // nothing outside the prefix
  });

  it('lets exactly as many concurrent reservations through as there are units', async () => {
    await raw.set(`${prefix}race`, '5');
    const replies = await Promise.all(Array.from({ length: 12 }, () => driver.adjustCounter('race', -1)));
    const values = replies.map((r) => (r.outcome === 'ok' ? r.value : r.outcome));
    expect(values.filter((v) => typeof v === 'number').sort()).toEqual([0, 1, 2, 3, 4]);
    expect(values.filter((v) => v === 'insufficient')).toHaveLength(7);
    expect(await raw.get(`${prefix}race`)).toBe('0');
  });

  it('refuses a counter that is not an integer (fail), and INCRBY creates an absent key from 0', async () => {
    await raw.set(`${prefix}word`, 'ten');
    expect((await driver.adjustCounter('word', -1)).outcome).toBe('fail');
    expect(await driver.incrBy('fresh', -1)).toEqual({ outcome: 'ok', value: -1 });
    expect(await driver.incrBy('fresh', 3)).toEqual({ outcome: 'ok', value: 2 });
  });
});
