import { metaKey } from '../drivers/redis.js';
import { BackgroundLoop, type PassResult } from './background-loop.js';
import { cacheOrder, insertOrder, readOrders } from './orders.js';
import { broke, jobId, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/** Attempts at one order's database write before it goes to the dead-letter list (about 17 s of backoff). */
const MAX_ATTEMPTS = 20;
/** Orders the worker gave up on, with the last error: a Redis list, for an operator to replay. */
export const DEAD_LETTER_KEY = metaKey('write-behind', 'dead-letter');

interface Job {
  key: string;
  item: string;
}

/**
 * Write-behind as the design sketches it: an order goes into the customer's cached set (SADD, with
 * a TTL on the set) and onto a queue in the app's memory, and is acknowledged; a worker in the app
 * writes the queue to the database in order, retrying a failed write with backoff, and after
 * MAX_ATTEMPTS moves the order to a dead-letter list in Redis. Fast, and as durable as the app
 * process: a crash loses every queued order the customer was told about. A write whose outcome is
 * unknown is retried too, so the database can end up with an order twice.
 */
export const writeBehind: StrategyDefinition = {
  name: 'write-behind',
  summary: 'acknowledged once in the cache; an in-memory queue and worker write the database later, with retries and a dead-letter list',
  cacheRole: 'authoritative',
  cacheTtlMs: 60_000,
  create(deps) {
    const queue: Job[] = [];
    let attempts = 0;
    const worker = new BackgroundLoop('write-behind worker', () => writeHead(deps, queue, () => ++attempts, () => (attempts = 0)));
    return {
      read: (key) => readOrders(deps, key),

      async add(key, item, op) {
        const cached = await cacheOrder(deps, key, item);
        if (cached.outcome !== 'ok') return broke('cache SADD', cached);
        await op.point('after-cache-write');
        queue.push({ key, item });
        worker.notify();
        await op.point('queue-not-empty');
        return { outcome: 'ok' };
      },

      idle: () => worker.idle,
      close: () => worker.close(),
    };
  },
};

/** One worker step: write the oldest queued order, or retire it to the dead-letter list. */
async function writeHead(deps: StrategyDeps, queue: Job[], failedAttempt: () => number, reset: () => void): Promise<PassResult> {
  const job = queue[0];
  if (job === undefined) return 'idle';
  const written = await insertOrder(deps, job.key, job.item);
  if (written.outcome === 'ok') {
    queue.shift();
    reset();
    await deps.point('after-db-commit', jobId(job.item));
    return 'worked';
  }
  if (failedAttempt() < MAX_ATTEMPTS) return 'broken';
  queue.shift();
  reset();
  const entry = JSON.stringify({ ...job, error: `${written.outcome}: ${written.error}` });
  const parked = await deps.cache.atomically([['rpush', DEAD_LETTER_KEY, entry]]);
  if (parked.outcome !== 'ok') console.error(`write-behind: order ${job.item} dropped: no database write, no dead letter (${parked.error})`);
  return 'worked';
}
