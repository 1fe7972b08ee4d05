import type { Outcome } from '../history/history.js';
import type { StoreCounters } from './counters.js';
import { connect, redisErrorOutcome } from './redis-client.js';
import type { RedisSettings } from './redis.js';

/**
 * A bare ioredis client for the load generator's baseline: GET straight on the client, no
 * strategy and no result wrapper, so `cachelab bench` can compare the cache-hit path with the
 * cheapest read the same link allows. Its own connection, with the app's settings and prefix.
 */
export interface RedisGetter {
  /** GET key; its outcome by the drivers' rules (never throws). */
  get(key: string): Promise<Outcome>;
  close(): void;
}

export function createRedisGetter(url: string, keyPrefix: string, settings: RedisSettings, counters?: StoreCounters): RedisGetter {
  const { client, readyCount } = connect(url, settings, { keyPrefix, counters });
  return {
    get: async (key) => {
      const wasReady = client.status === 'ready';
      const readyBefore = readyCount();
      try {
        await client.get(key);
        return 'ok';
      } catch (err) {
        return redisErrorOutcome(err, wasReady, readyCount() !== readyBefore).outcome;
      }
    },
    close: () => client.disconnect(),
  };
}
