import { newStoreCounters } from '../drivers/counters.js';
import { classifyThrown, createRawClients } from '../drivers/raw-clients.js';
import { createRedisGetter, type RedisGetter } from '../drivers/redis-baseline.js';
import type { ClientOp } from '../history/history.js';
import { faultPoints, isFaultPoint } from '../strategies/fault-points.js';
import type { MethodResult, ModuleOp, StrategyMethods } from '../strategies/module.js';
import type { OpResult } from '../strategies/strategy.js';
import type { AppResult, AppServer } from './app-server.js';
import type { FaultPoints } from './fault-points.js';
import type { AppConfig } from './protocol.js';
import { describe, importStrategyModule, operationsOf } from './strategy-module.js';

/** create() threw, or returned no methods: the app cannot serve; the lab reports it as unknown. */
export class ModuleStartError extends Error {}

/**
 * A user's strategy module on its own ioredis client and pg Pool (src/drivers/raw-clients.ts). Its
 * methods answer a value or an outcome, or throw: an error from its clients is the op's outcome
 * (classified by the drivers' rules), anything else is a bug in the module (unknown, with its stack).
 */
export async function startModuleServer(file: string, config: AppConfig, points: FaultPoints): Promise<AppServer> {
  const { strategy } = await importStrategyModule(file);
  const { name } = strategy;
  const counters = newStoreCounters();
  const clients = createRawClients(config, counters);
  let getter: RedisGetter | undefined;
  let methods: StrategyMethods;
  try {
    methods = await strategy.create({ redis: clients.redis, db: clients.db, cacheTtlMs: config.cacheTtlMs });
    operationsOf(name, methods);
  } catch (err) {
    await clients.close();
    throw new ModuleStartError(`strategy module ${name}: create() failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  /** Point names already reported as unknown: one finding each. */
  const reported = new Set<string>();

  return {
    async serve(id, op) {
      const problems: string[] = [];
      const ctx: ModuleOp = {
        id,
        point: (point) => {
          if (isFaultPoint(point)) return points.reach(point, id) ?? Promise.resolve();
          if (!reported.has(String(point))) {
            reported.add(String(point));
            problems.push(`${name} called op.point(${JSON.stringify(point)}) serving ${id}: not a fault point, so no scenario can arm it (fault points: ${faultPoints.join(', ')})`);
          }
          return Promise.resolve();
        },
      };
      if (typeof methods[op.kind] !== 'function') {
        return { outcome: 'unknown', error: `${name} has no ${op.kind}()`, problems: [`${name} does not implement ${op.kind}(), which the scenario calls`] };
      }
      let answer: AppResult;
      try {
        answer = answerOf(name, op.kind, await call(methods, op, ctx));
      } catch (err) {
        answer = thrown(name, err);
      }
      const all = [...problems, ...(answer.problems ?? [])];
      return all.length > 0 ? { ...answer, problems: all } : answer;
    },
    health: async () => ({ ...(await clients.health()), idle: true }),
    counters,
    redisGet: async (key) => ({ outcome: await (getter ??= createRedisGetter(config.redisUrl, config.keyPrefix, config.redis, counters)).get(key) }),
    close: () => {
      getter?.close();
      return clients.close();
    },
  };
}

/** Calls the method as a method (`this` is the object create() returned). */
function call(methods: StrategyMethods, op: ClientOp, ctx: ModuleOp): Promise<MethodResult> | MethodResult {
  switch (op.kind) {
    case 'read':
      return methods.read(op.key, ctx);
    case 'debit':
      return methods.debit?.(op.key, op.amount, ctx);
    case 'write':
      return methods.write?.(op.key, op.value, ctx);
    case 'add':
      return methods.add?.(op.key, op.item, ctx);
    case 'order':
      return methods.order?.(op.key, ctx);
  }
}

const OUTCOMES = ['ok', 'fail', 'unknown'];

/** A method's answer as the history records it; a shape outside the contract is a finding. */
function answerOf(name: string, kind: string, answer: unknown): AppResult {
  const wrong = (): AppResult => ({
    outcome: 'unknown',
    error: `${kind}() answered ${describe(answer)}`,
    problems: [`${name}'s ${kind}() answered ${describe(answer)}: answer the value, or { outcome: 'ok' | 'fail' | 'unknown', value?, error? }`],
  });
  if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) {
    const a = answer as Record<string, unknown>;
    if (typeof a.outcome !== 'string' || !OUTCOMES.includes(a.outcome)) return wrong();
    const value = valueOf(a.value);
    if (value === WRONG) return wrong();
    const result: OpResult = { outcome: a.outcome as OpResult['outcome'] };
    if (value !== undefined) result.value = value;
    if (a.error !== undefined) result.error = a.error instanceof Error ? a.error.message : typeof a.error === 'string' ? a.error : JSON.stringify(a.error);
    return result;
  }
  const value = valueOf(answer);
  if (value === WRONG) return wrong();
  return value === undefined ? { outcome: 'ok' } : { outcome: 'ok', value };
}

const WRONG = Symbol('wrong');

/** Integers as numbers (Redis and pg hand them over as strings), other strings as they are. */
function valueOf(value: unknown): number | string | null | undefined | typeof WRONG {
  if (value === undefined || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : WRONG;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return /^-?\d{1,15}$/.test(value) ? Number(value) : value;
  return WRONG;
}

/** An error out of a method: its client's outcome, or a bug in the module. */
function thrown(name: string, err: unknown): AppResult {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const classified = classifyThrown(err);
  if (classified.store) return { outcome: classified.outcome, error: `threw ${text} (${classified.outcome}: ${classified.why})` };
  return {
    outcome: 'unknown',
    error: `${name} threw: ${err instanceof Error ? (err.stack ?? text) : text} (not an error of its Redis or PostgreSQL client; to refuse an operation, answer { outcome: 'fail', error })`,
    strategyThrew: true,
  };
}
