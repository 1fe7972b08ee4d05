/**
 * The application-server process: one strategy with its own Redis and PostgreSQL clients, both
 * pointed at the fault proxy. The lab (its parent) sends operations over IPC and can SIGKILL it;
 * whatever the strategy keeps in memory dies with it. Exits when the lab goes away.
 */
import { createDbDriver } from '../drivers/postgres.js';
import { createRedisDriver } from '../drivers/redis.js';
import { strategies } from '../strategies/index.js';
import type { OpResult } from '../strategies/strategy.js';
import { FaultPoints } from './fault-points.js';
import type { AppConfig, AppMessage, LabMessage } from './protocol.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import type { ClientOp } from '../history/history.js';

const send = (message: AppMessage): void => {
  process.send?.(message);
};

const config = JSON.parse(process.env.CACHELAB_APP_CONFIG ?? 'null') as AppConfig | null;
const definition = config ? strategies[config.strategy] : undefined;
if (!config || !definition || !process.send) {
  process.stderr.write('cachelab app: started without CACHELAB_APP_CONFIG or IPC; the lab starts this process\n');
  process.exit(2);
}

const cache = createRedisDriver(config.redisUrl, config.keyPrefix, config.redis);
const db = createDbDriver(config.databaseUrl, config.schema, config.pg);
const points = new FaultPoints((hitId, point, opId) => send({ type: 'hit', hitId, point, opId }));
const strategy = definition.create({ cache, db, cacheTtlMs: config.cacheTtlMs, point: (name, jobId) => points.reach(name, jobId) });

async function serve(id: string, op: ClientOp): Promise<OpResult & { strategyThrew?: boolean }> {
  const ctx = { id, point: (name: FaultPoint) => points.reach(name, id) };
  const unsupported = (): OpResult => ({ outcome: 'fail', error: `${definition?.name} does not implement ${op.kind}` });
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
    return { outcome: 'unknown', error: `${definition?.name} threw: ${err instanceof Error ? err.stack : String(err)}`, strategyThrew: true };
  }
}

async function health(): Promise<{ redis: boolean; db: boolean; idle: boolean }> {
  const [r, d] = await Promise.all([cache.ping(), db.query('SELECT 1')]);
  return { redis: r.outcome === 'ok', db: d.outcome === 'ok', idle: strategy.idle?.() ?? true };
}

process.on('message', (raw) => {
  const message = raw as LabMessage;
  switch (message.type) {
    case 'op':
      void serve(message.id, message.op).then((result) => send({ type: 'result', id: message.id, ...result }));
      break;
    case 'arm':
      points.arm(message.points);
      break;
    case 'resume':
      points.resume(message.hitId);
      break;
    case 'health':
      void health().then((h) => send({ type: 'health', id: message.id, ...h }));
      break;
    case 'shutdown':
      strategy.close?.();
      void Promise.all([cache.close(), db.close()]).finally(() => process.exit(0));
      break;
  }
});
// The lab died or let go of us: never outlive it.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid });
