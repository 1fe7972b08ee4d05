import { describe, expect, it } from 'vitest';
import { resolveStackOptions } from '../../src/stack/resolve-options.js';

const REDIS = 'redis://127.0.0.1:6379';
const DB = 'postgres://u:p@127.0.0.1:5432/db';

describe('resolveStackOptions', () => {
  it('chooses local when no URL is given anywhere, with no AOF by default', () => {
    expect(resolveStackOptions({}, {})).toMatchObject({ mode: 'local', redisPersistence: 'none', keep: false });
  });

  it('chooses external when a URL comes from a flag or from the environment', () => {
    expect(resolveStackOptions({ redisUrl: REDIS, databaseUrl: DB }, {})).toMatchObject({ mode: 'external', toxiproxyUrl: undefined });
    expect(resolveStackOptions({}, { REDIS_URL: REDIS, DATABASE_URL: DB, TOXIPROXY_URL: 'http://127.0.0.1:8474' })).toMatchObject({
      mode: 'external',
      redisUrl: REDIS,
      databaseUrl: DB,
      toxiproxyUrl: 'http://127.0.0.1:8474',
    });
  });

  it('lets flags win over the environment, and an empty variable count as unset', () => {
    const resolved = resolveStackOptions({ redisUrl: 'redis://10.0.0.1:6380' }, { REDIS_URL: REDIS, DATABASE_URL: DB, TOXIPROXY_URL: '' });
    expect(resolved).toMatchObject({ mode: 'external', redisUrl: 'redis://10.0.0.1:6380', toxiproxyUrl: undefined });
  });

  it('ignores environment URLs under an explicit --stack local but refuses URL flags there', () => {
    expect(resolveStackOptions({ mode: 'local' }, { REDIS_URL: REDIS })).toMatchObject({ mode: 'local' });
    expect(() => resolveStackOptions({ mode: 'local', redisUrl: REDIS }, {})).toThrow(
      expect.objectContaining({ code: 'usage', message: '--redis-url cannot be used with --stack local' }),
    );
  });

  it('says which URL the external stack is missing', () => {
    expect(() => resolveStackOptions({ redisUrl: REDIS }, {})).toThrow(
      expect.objectContaining({ code: 'usage', message: 'the external stack needs --database-url (or DATABASE_URL)' }),
    );
    expect(() => resolveStackOptions({ mode: 'external' }, {})).toThrow(
      expect.objectContaining({ message: 'the external stack needs --redis-url (or REDIS_URL) and --database-url (or DATABASE_URL)' }),
    );
  });

  it('rejects URLs of the wrong kind, bad persistence values and run ids that cannot name a schema', () => {
    expect(() => resolveStackOptions({ redisUrl: DB, databaseUrl: DB }, {})).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(() => resolveStackOptions({ databaseUrl: 'not a url', redisUrl: REDIS }, {})).toThrow(/is not a URL/);
    expect(() => resolveStackOptions({ redisPersistence: 'sometimes' as never }, {})).toThrow(/bad Redis persistence/);
    expect(() => resolveStackOptions({ runId: 'Robert"); DROP TABLE x;--' }, {})).toThrow(/bad run id/);
    expect(resolveStackOptions({ runId: 'ci_42' }, {}).runId).toBe('ci_42');
  });

  it('takes Sentinel and Cluster URLs, and names their form when one is malformed', () => {
    for (const url of ['redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/mymaster', 'redis-cluster://:pw@127.0.0.1:7000,127.0.0.1:7001']) {
      expect(resolveStackOptions({ redisUrl: url, databaseUrl: DB }, {})).toMatchObject({ mode: 'external', redisUrl: url });
    }
    expect(() => resolveStackOptions({ redisUrl: 'redis-sentinel://127.0.0.1:26379', databaseUrl: DB }, {})).toThrow(/expected redis-sentinel:\/\/.*<master name>/);
    expect(() => resolveStackOptions({ redisUrl: 'redis-cluster://127.0.0.1', databaseUrl: DB }, {})).toThrow(/bad host:port "127.0.0.1": expected redis-cluster:\/\//);
    expect(() => resolveStackOptions({ redisUrl: 'http://h:1', databaseUrl: DB }, {})).toThrow(/redis:\/\/ or rediss:\/\/ or redis-sentinel:\/\/ or redis-cluster:\/\//);
  });

  it('makes a fresh short run id each time', () => {
    const a = resolveStackOptions({}, {}).runId;
    const b = resolveStackOptions({}, {}).runId;
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
});
