import { metaKey } from '../drivers/redis.js';
import type { StreamEntry } from '../drivers/redis-streams.js';
import { BackgroundLoop, type PassResult } from './background-loop.js';
import { cacheOrderCommands, insertOrderOnce, readOrders } from './orders.js';
import { broke, jobId, type StrategyDefinition, type StrategyDeps } from './strategy.js';

/** The queue: a Redis Stream of orders still to be written to the database. */
export const STREAM_KEY = metaKey('durable-write-behind', 'orders');
export const GROUP = 'db-writers';
/** Entries read per pass. */
const BATCH = 10;
/**
 * ms an entry delivered to a consumer must sit unacknowledged before another consumer takes it
 * over (a worker that died). A live worker that is merely slow may lose an entry this way; the
 * idempotent write makes the second attempt harmless.
 */
export const CLAIM_IDLE_MS = 1000;

/**
 * The remedy for losing queued orders with the app: the queue is a Redis Stream with a consumer
 * group. The order goes into the customer's cached set and onto the stream in one MULTI, and is
 * acknowledged only after that; the worker reads entries through the group, writes each to the
 * database at most once (an idempotency key in the same transaction), and XACKs only after the
 * commit. A worker that dies holds its entries pending in the group; the next worker (a restarted
 * app) claims them and writes them. No entry is kept in memory between passes: after a failure
 * the worker reads its pending entries from Redis again. The queue is exactly as durable as Redis:
 * what its persistence setting loses in a Redis crash is lost.
 */
export const durableWriteBehind: StrategyDefinition = {
  name: 'durable-write-behind',
  summary: 'acknowledged after XADD to a Redis Stream; a consumer group writes the database and XACKs after the commit; a restart claims what was pending',
  cacheRole: 'authoritative',
  cacheTtlMs: 60_000,
  create(deps) {
    const worker = new StreamWorker(deps, `app-${process.pid}`);
    return {
      read: (key) => readOrders(deps, key),

      async add(key, item, op) {
        const queued = await deps.cache.atomically([...cacheOrderCommands(deps, key, item), ['xadd', STREAM_KEY, '*', 'key', key, 'item', item]]);
        // Unknown: the entry may be in the stream, so the worker may have work.
        if (queued.outcome !== 'fail') worker.loop.notify();
        if (queued.outcome !== 'ok') return broke('cache SADD + XADD', queued);
        await op.point('queue-not-empty');
        return { outcome: 'ok' };
      },

      idle: () => worker.loop.idle,
      close: () => worker.loop.close(),
    };
  },
};

/** The consumer `name` of the group: one pass takes its own pending entries, then a dead consumer's, then new ones. */
class StreamWorker {
  readonly loop: BackgroundLoop;
  #groupReady = false;

  constructor(
    private readonly deps: StrategyDeps,
    private readonly name: string,
  ) {
    this.loop = new BackgroundLoop('durable-write-behind worker', () => this.#pass());
  }

  async #pass(): Promise<PassResult> {
    const { stream } = this.deps.cache;
    if (!this.#groupReady) {
      const group = await stream.createGroup(STREAM_KEY, GROUP);
      if (group.outcome !== 'ok') return 'broken';
      this.#groupReady = true;
    }
    for (const take of [
      () => stream.readGroup(STREAM_KEY, GROUP, this.name, 'mine', BATCH),
      () => stream.claim(STREAM_KEY, GROUP, this.name, CLAIM_IDLE_MS, BATCH),
      () => stream.readGroup(STREAM_KEY, GROUP, this.name, 'new', BATCH),
    ]) {
      const entries = await take();
      if (entries.outcome !== 'ok') {
        // The group may be gone with a Redis that restarted empty: create it again next time.
        this.#groupReady = false;
        return 'broken';
      }
      if (entries.value.length > 0) return (await this.#write(entries.value)) ? 'worked' : 'broken';
    }
    // Nothing this consumer may take now; entries a dead consumer holds for less than
    // CLAIM_IDLE_MS are still pending, and the queue is not done until they are written.
    const pending = await stream.pending(STREAM_KEY, GROUP);
    if (pending.outcome !== 'ok') return 'broken';
    return pending.value === 0 ? 'idle' : 'waiting';
  }

  /** Writes and acknowledges in order; false at the first failure (the rest stay pending). */
  async #write(entries: StreamEntry[]): Promise<boolean> {
    for (const entry of entries) {
      const { key, item } = entry.fields;
      if (key === undefined || item === undefined) {
        console.error(`durable-write-behind: entry ${entry.id} has no key or item; acknowledged and dropped`);
      } else {
        const written = await insertOrderOnce(this.deps, key, item);
        if (written.outcome !== 'ok') return false;
        await this.deps.point('after-db-commit', jobId(item));
      }
      const acked = await this.deps.cache.stream.ackAndDelete(STREAM_KEY, GROUP, entry.id);
      if (acked.outcome !== 'ok') return false;
    }
    return true;
  }
}
