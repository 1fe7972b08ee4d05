import { describe, expect, it } from 'vitest';
import { redactPassword, routedRedisUrl } from '../../src/stack/connection-urls.js';
import { keyPrefixFor, runIdOfKey } from '../../src/stack/namespace.js';

describe("a run's Redis namespace", () => {
  it('is a hash tag on a Cluster, so every key of the run hashes to one slot, and plain elsewhere', () => {
    expect(keyPrefixFor('ab12', 'redis://127.0.0.1:6379')).toBe('cachelab:ab12:');
    expect(keyPrefixFor('ab12', 'redis-sentinel://127.0.0.1:26379/m')).toBe('cachelab:ab12:');
    expect(keyPrefixFor('ab12', 'redis-cluster://127.0.0.1:7000')).toBe('cachelab:{ab12}:');
  });

  it("gives back the run id of a key in either form, and nothing for keys outside any run's namespace", () => {
    expect(runIdOfKey('cachelab:ab12:account:alice')).toBe('ab12');
    expect(runIdOfKey('cachelab:{ab12}:account:alice')).toBe('ab12');
    expect(runIdOfKey('cachelab:{ab12:account')).toBeUndefined();
    expect(runIdOfKey('cachelab-sentinel:x')).toBeUndefined();
    expect(runIdOfKey('other:ab12:x')).toBeUndefined();
  });
});

describe("the app's Redis URL through the fault proxy", () => {
  const via = { '10.0.0.5:6379': { host: '127.0.0.1', port: 41001 }, '10.0.0.6:6379': { host: '127.0.0.1', port: 41002 } };

  it('replaces the host of one server, keeping its password and database', () => {
    expect(routedRedisUrl('redis://:pw@10.0.0.5:6379/2', '10.0.0.5:6379', via)).toBe('redis://:pw@127.0.0.1:41001/2');
  });

  it('rewrites every node Sentinel may name, and keeps the sentinels direct', () => {
    expect(routedRedisUrl('redis-sentinel://10.0.0.9:26379/mymaster', '10.0.0.5:6379', via)).toBe(
      'redis-sentinel://10.0.0.9:26379/mymaster?nat=10.0.0.5:6379@127.0.0.1:41001,10.0.0.6:6379@127.0.0.1:41002',
    );
  });

  it("seeds a Cluster with the proxies, the run's node first, and rewrites every announced node", () => {
    expect(routedRedisUrl('redis-cluster://:pw@10.0.0.5:6379', '10.0.0.6:6379', via)).toBe(
      'redis-cluster://:pw@127.0.0.1:41002,127.0.0.1:41001?nat=10.0.0.5:6379@127.0.0.1:41001,10.0.0.6:6379@127.0.0.1:41002',
    );
  });

  it('refuses a node with no proxy, and hides passwords of multi-host URLs too', () => {
    expect(() => routedRedisUrl('redis://10.0.0.7:6379', '10.0.0.7:6379', via)).toThrow(/no proxy for the Redis node 10.0.0.7:6379/);
    expect(redactPassword('redis-cluster://:pw@h1:1,h2:2')).toBe('redis-cluster://:***@h1:1,h2:2');
    expect(redactPassword('redis-sentinel://u:pw@h1:1,h2:2/m')).toBe('redis-sentinel://u:***@h1:1,h2:2/m');
  });
});
