import { describe, expect, it } from 'vitest';
import { isSentinelUrl, parseSentinelUrl, sentinelUrl } from '../../src/drivers/redis-urls.js';

describe('redis-sentinel:// URLs', () => {
  it('round-trips sentinels, the master name, a password and the natMap', () => {
    const target = {
      sentinels: [
        { host: '127.0.0.1', port: 26379 },
        { host: 'sentinel-2', port: 26380 },
      ],
      name: 'my master',
      password: 'p@ss:word',
      natMap: { '10.0.0.5:6379': { host: '127.0.0.1', port: 40001 } },
    };
    const url = sentinelUrl(target);
    expect(url).toBe('redis-sentinel://:p%40ss%3Aword@127.0.0.1:26379,sentinel-2:26380/my%20master?nat=10.0.0.5:6379@127.0.0.1:40001');
    expect(isSentinelUrl(url)).toBe(true);
    expect(parseSentinelUrl(url)).toEqual(target);
    expect(parseSentinelUrl('redis-sentinel://127.0.0.1:26379/cachelab')).toEqual({ sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'cachelab', natMap: {} });
  });

  it('refuses what is not one, naming the expected form', () => {
    expect(isSentinelUrl('redis://127.0.0.1:6379')).toBe(false);
    for (const bad of ['redis://127.0.0.1:6379/0', 'redis-sentinel://127.0.0.1:26379', 'redis-sentinel://127.0.0.1/m', 'redis-sentinel://h:1/m?nat=a:1@b']) {
      expect(() => parseSentinelUrl(bad)).toThrow(/redis-sentinel:\/\/\[:password@\]host:port/);
    }
  });
});
