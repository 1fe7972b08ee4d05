import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedisDriver, defaultRedisSettings } from '../../src/drivers/redis.js';
import { freeTcpPort } from '../stack/helpers.js';

// The Lua edge of the Redis driver, on the suite's real Redis.
const redisUrl = inject('redisUrl');
const prefix = `cachelab-test-eval:${randomBytes(4).toString('hex')}:`;

describe('RedisDriver.evalScript', () => {
  const driver = createRedisDriver(redisUrl, prefix, defaultRedisSettings);
  const raw = new Redis(redisUrl);
  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
    await driver.close();
  });

  it('runs the script on the namespaced keys and answers its integer reply', async () => {
    const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[2]); return 7";
    expect(await driver.evalScript(script, ['price', '_meta:version:price'], ['150', '3'])).toEqual({ outcome: 'ok', value: 7 });
    expect(await raw.mget(`${prefix}price`, `${prefix}_meta:version:price`, 'price')).toEqual(['150', '3', null]);
  });

  it('answers fail for a script Redis refuses', async () => {
    const result = await driver.evalScript("return redis.call('NOSUCHCOMMAND')", [], []);
    expect(result.outcome).toBe('fail');
  });

  it('answers unknown when the script ran but its reply is not an integer', async () => {
    const result = await driver.evalScript("redis.call('SET', KEYS[1], 'x'); return 'done'", ['ran'], []);
    expect(result).toEqual({ outcome: 'unknown', error: 'the script answered "done", not an integer' });
    expect(await raw.get(`${prefix}ran`)).toBe('x');
  });

  it('answers fail when it could not be sent', async () => {
    const dead = createRedisDriver(`redis://127.0.0.1:${await freeTcpPort()}`, prefix, { ...defaultRedisSettings, enableOfflineQueue: false });
    expect((await dead.evalScript('return 1', [], [])).outcome).toBe('fail');
    await dead.close();
  });
});
