import { newStoreCounters } from '../drivers/counters.js';
import { createDbDriver } from '../drivers/postgres.js';
import { createRedisGetter, type RedisGetter } from '../drivers/redis-baseline.js';
import { createRedisDriver, metaKey } from '../drivers/redis.js';
import { pubSubBus, streamBus, type InvalidationBus } from '../drivers/redis-bus.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import type { OpResult, StrategyDefinition } from '../strategies/strategy.js';
import type { AppServer } from './app-server.js';
import type { FaultPoints } from './fault-points.js';
import type { AppConfig } from './protocol.js';

/** A built-in strategy on the lab's drivers, which answer ok/fail/unknown and never throw. */
export function builtinServer(definition: StrategyDefinition, config: AppConfig, points: FaultPoints): AppServer {
  const counters = newStoreCounters();
  const cache = createRedisDriver(config.redisUrl, config.keyPrefix, config.redis, counters);
  const db = createDbDriver(config.databaseUrl, config.schema, config.pg, counters);
  let getter: RedisGetter | undefined;
  const buses: InvalidationBus[] = [];
  const strategy = definition.create({
    cache,
    db,
    cacheTtlMs: config.cacheTtlMs,
    point: (name, jobId) => points.reach(name, jobId),
    bus: (kind, name, onKey) => {
      // Under _meta: (bookkeeping, never compared with the database), in the run's namespace.
      const open = kind === 'pubsub' ? pubSubBus : streamBus;
      const bus = open(config.redisUrl, config.keyPrefix, config.redis, metaKey('bus', name), onKey);
      buses.push(bus);
      return bus;
    },
  });

  return {
    async serve(id, op) {
      const ctx = { id, point: (name: FaultPoint) => points.reach(name, id) };
      const unsupported = (): OpResult => ({ outcome: 'fail', error: `${definition.name} does not implement ${op.kind}` });
      try {
        switch (op.kind) {
          case 'read':
            return await strategy.read(op.key, ctx);
          case 'debit':
            return strategy.debit ? await strategy.debit(op.key, op.amount, ctx) : unsupported();
          case 'write':
            return strategy.write ? await strategy.write(op.key, op.value, ctx) : unsupported();
          case 'add':
            return strategy.add ? await strategy.add(op.key, op.item, ctx) : unsupported();
          case 'order':
            return strategy.order ? await strategy.order(op.key, ctx) : unsupported();
        }
      } catch (err) {
        // A bug in a strategy: the op may have done anything before it threw.
        return { outcome: 'unknown', error: `${definition.name} threw: ${err instanceof Error ? err.stack : String(err)}`, strategyThrew: true };
      }
    },
    async health() {
      const [r, d] = await Promise.all([cache.ping(), db.query('SELECT 1')]);
      return { redis: r.outcome === 'ok', db: d.outcome === 'ok', idle: strategy.idle?.() ?? true };
    },
    counters,
    redisGet: async (key) => ({ outcome: await (getter ??= createRedisGetter(config.redisUrl, config.keyPrefix, config.redis, counters)).get(key) }),
    close: async () => {
      strategy.close?.();
      getter?.close();
      await Promise.all([cache.close(), db.close(), ...buses.map((b) => b.close())]);
    },
  };
}
