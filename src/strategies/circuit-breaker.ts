import {
  BrokenCircuitError,
  circuitBreaker as breakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import type { RedisDriver } from '../drivers/redis.js';
import { failed, type Result } from '../drivers/result.js';
import { readFromDb } from './cache-aside.js';
import { broke, type OpResult, type StrategyDefinition } from './strategy.js';

/** How the breaker in front of the cache decides. */
export interface BreakerSettings {
  /** A cache command without an answer after this long counts as a failure (and answers unknown), ms. */
  timeoutMs: number;
  /** Consecutive failures (errors or timeouts) that open the breaker. */
  failuresToOpen: number;
  /** How long the breaker stays open before one probe may go through (half-open), ms. */
  halfOpenAfterMs: number;
}

/** A cache answers in about a millisecond; 100 ms leaves room for a loaded machine's pauses, so only a sick cache opens it. */
export const defaultBreakerSettings: BreakerSettings = { timeoutMs: 100, failuresToOpen: 5, halfOpenAfterMs: 250 };

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface GuardedCache {
  /** The same cache, each command through the breaker: `fail` at once while it is open. */
  cache: RedisDriver;
  state(): BreakerState;
  /** How often the breaker opened. */
  readonly opened: number;
}

/**
 * Puts the cache behind a circuit breaker (cockatiel's: timeout inside, consecutive-failure breaker
 * outside). A command that answers fail or unknown, or does not answer within the timeout, is a
 * failure; `failuresToOpen` in a row open the breaker, and while it is open every command answers
 * `fail` without being sent (it certainly did not happen). After `halfOpenAfterMs` one command is let
 * through as a probe: its success closes the breaker, its failure opens it again. A cache miss is a
 * success. The drivers never throw, so a throw here is the breaker's or the timeout's own.
 */
export function guardCache(cache: RedisDriver, settings: BreakerSettings = defaultBreakerSettings): GuardedCache {
  const breaker = breakerPolicy(handleAll.orWhenResult((r) => (r as Result<unknown>).outcome !== 'ok'), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.failuresToOpen),
  });
  let opened = 0;
  breaker.onBreak(() => opened++);
  const policy = wrap(breaker, timeout(settings.timeoutMs, TimeoutStrategy.Aggressive));

  const guarded = async <T>(command: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await policy.execute(command);
    } catch (err) {
      if (err instanceof BrokenCircuitError) return failed('fail', new Error('circuit breaker open: the cache was skipped'));
      if (err instanceof TaskCancelledError) return failed('unknown', new Error(`no answer from the cache within ${settings.timeoutMs} ms`));
      return failed('unknown', err);
    }
  };
  const through = new Proxy(cache, {
    get(target, name, receiver) {
      const member: unknown = Reflect.get(target, name, receiver);
      if (typeof member !== 'function' || name === 'close' || name === 'stream') return member;
      return (...args: unknown[]) => guarded(() => (member as (...a: unknown[]) => Promise<Result<unknown>>).apply(target, args));
    },
  });
  return {
    cache: through,
    state: () => (breaker.state === CircuitState.Closed ? 'closed' : breaker.state === CircuitState.HalfOpen ? 'half-open' : 'open'),
    get opened() {
      return opened;
    },
  };
}

/** Values the breaker's fallback remembers, at most (the oldest forgotten first). */
export const LAST_KNOWN_KEPT = 5_000;

/**
 * Cache-aside behind a circuit breaker, with the classic fallback: while the cache fails or the
 * breaker is open, a read stops paying the cache's timeout and answers the last value this process
 * served for the key (stale by at most the outage: the cache's role is display), or the database's
 * when it has none (without filling). The database keeps the load it had, not the whole read load.
 * A probe closes the breaker when the cache is back.
 */
export const circuitBreaker: StrategyDefinition = {
  name: 'circuit-breaker',
  summary: 'cache-aside with the cache behind a circuit breaker (cockatiel); while it is open, the last value served, else the database',
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => {
    const { cache } = guardCache(deps.cache);
    const guarded = { ...deps, cache };
    const lastKnown = new Map<string, number>();
    const remember = (key: string, result: OpResult): OpResult => {
      if (result.outcome === 'ok' && typeof result.value === 'number') {
        lastKnown.delete(key);
        lastKnown.set(key, result.value);
        if (lastKnown.size > LAST_KNOWN_KEPT) lastKnown.delete(lastKnown.keys().next().value as string);
      }
      return result;
    };
    return {
      async read(key, op) {
        const cached = await cache.get(key);
        if (cached.outcome === 'ok' && cached.value !== null) {
          await op.point('after-cache-read');
          return remember(key, { outcome: 'ok', value: Number(cached.value), cacheHit: true });
        }
        const known = lastKnown.get(key);
        if (cached.outcome !== 'ok' && known !== undefined) return { outcome: 'ok', value: known, cacheHit: true };
        return remember(key, await readFromDb(guarded, key, op, cached.outcome === 'ok'));
      },
      async write(key, value) {
        const res = await deps.db.query('UPDATE records SET value = $2 WHERE key = $1', [key, value]);
        if (res.outcome !== 'ok') return broke('database write', res);
        lastKnown.delete(key);
        await cache.del(key);
        return { outcome: 'ok', value };
      },
    };
  },
};
