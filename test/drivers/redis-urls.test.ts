import { describe, expect, it } from 'vitest';
import { clusterUrl, isSentinelUrl, parseClusterUrl, parseSentinelUrl, redisKind, sentinelUrl } from '../../src/drivers/redis-urls.js';

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

describe('redis-cluster:// URLs', () => {
  it('round-trips the seed nodes, a password and the natMap', () => {
    const target = {
      nodes: [
        { host: '127.0.0.1', port: 40001 },
        { host: '127.0.0.1', port: 40002 },
      ],
      password: 'a,b?c@d',
      natMap: { '10.0.0.5:6379': { host: '127.0.0.1', port: 40001 }, '10.0.0.6:6379': { host: '127.0.0.1', port: 40002 } },
    };
    const url = clusterUrl(target);
    expect(url).toBe('redis-cluster://:a%2Cb%3Fc%40d@127.0.0.1:40001,127.0.0.1:40002?nat=10.0.0.5:6379@127.0.0.1:40001,10.0.0.6:6379@127.0.0.1:40002');
    expect(parseClusterUrl(url)).toEqual(target);
    expect(parseClusterUrl(url).password).toBe('a,b?c@d');
  });

  it('reads a natMap without a password as a natMap, not as a password', () => {
    const url = 'redis-cluster://127.0.0.1:1,127.0.0.1:2?nat=10.0.0.5:6379@127.0.0.1:1';
    expect(parseClusterUrl(url)).toEqual({
      nodes: [
        { host: '127.0.0.1', port: 1 },
        { host: '127.0.0.1', port: 2 },
      ],
      natMap: { '10.0.0.5:6379': { host: '127.0.0.1', port: 1 } },
    });
    expect(parseClusterUrl(url).password).toBeUndefined();
  });

  it('refuses what is not one, naming the expected form', () => {
    for (const bad of ['redis-cluster://', 'redis-cluster://h', 'redis-cluster://h:0', 'redis-cluster://h:1,h:70000', 'redis-cluster://h:1?nat=a@b:2']) {
      expect(() => parseClusterUrl(bad)).toThrow(/redis-cluster:\/\/\[:password@\]host:port\[,host:port\]/);
    }
  });

  it('tells the three kinds apart', () => {
    expect(['redis://h:1', 'rediss://h:1', 'redis-sentinel://h:1/m', 'redis-cluster://h:1'].map(redisKind)).toEqual(['server', 'server', 'sentinel', 'cluster']);
    expect(parseSentinelUrl('redis-sentinel://:x@h:1,h:2/m').password).toBe('x');
  });
});
