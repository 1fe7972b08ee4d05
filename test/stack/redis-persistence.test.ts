import { afterEach, describe, expect, it } from 'vitest';
import type { RedisPersistence, Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';
import { redisGet, redisGetSet } from './helpers.js';

const started: Stack[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((stack) => stack.stop()));
});

/** Writes a key, SIGKILLs redis-server, starts it again, and reads the key back. */
async function keyAfterCrash(persistence: RedisPersistence): Promise<string | null> {
  const stack = await startStack({ mode: 'local', redisPersistence: persistence });
  started.push(stack);
  expect(stack.redisPersistence).toBe(persistence);
  expect(stack.canKillRedis).toBe(true);
  const key = `${stack.keyPrefix}order:1`;
  expect(await redisGetSet(stack.redisUrl, key, 'acknowledged')).toBe('acknowledged');

  await stack.killRedis();
  await expect(redisGet(stack.redisUrl, key)).rejects.toThrow();
  await stack.startRedis();
  return redisGet(stack.redisUrl, key);
}

describe('local Redis persistence across killRedis/startRedis', () => {
  it('keeps an acknowledged key with AOF appendfsync always', async () => {
    expect(await keyAfterCrash('always')).toBe('acknowledged');
  });

  it('loses it without AOF', async () => {
    expect(await keyAfterCrash('none')).toBeNull();
  });
});
