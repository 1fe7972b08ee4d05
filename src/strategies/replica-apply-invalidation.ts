import { ok, type Result } from '../drivers/result.js';
import type { Listener } from '../drivers/postgres-listen.js';
import { commitThenDelete, noReplica, replicaFillRead, type Replica } from './replica-reads.js';
import type { StrategyDefinition } from './strategy.js';

/** The channel the replica's trigger notifies on; the payload is `<schema>:<key>`. */
export const APPLY_CHANNEL = 'cachelab_applied';
/** ms the app waits for its LISTEN connection before it answers ops. */
const LISTEN_READY_MS = 5000;

/**
 * An AFTER trigger on the replica's records table, fired by the subscription's apply worker: a
 * replica only fires triggers enabled ALWAYS for rows it applies (the default, ORIGIN, skips
 * them). Created in the run's schema (search_path), idempotently.
 */
const TRIGGER_DDL = [
  `CREATE OR REPLACE FUNCTION cachelab_notify_applied() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_notify('${APPLY_CHANNEL}', TG_TABLE_SCHEMA || ':' || NEW.key); RETURN NULL; END $$`,
  'DROP TRIGGER IF EXISTS cachelab_applied ON records',
  'CREATE TRIGGER cachelab_applied AFTER INSERT OR UPDATE ON records FOR EACH ROW EXECUTE FUNCTION cachelab_notify_applied()',
  'ALTER TABLE records ENABLE ALWAYS TRIGGER cachelab_applied',
];

/**
 * Invalidation driven by the replica's own apply: writes commit on the primary and delete the
 * entry as usual, and a trigger on the replica notifies the app when the replica applies a row,
 * which deletes the entry again. The fill a lagging replica fed is removed as soon as the replica
 * has the new value, so staleness is bounded by the lag instead of the TTL; the reads in between
 * still see the old value, after the write was acknowledged. Gaps: a notification sent while the
 * app's LISTEN connection is down is lost (PostgreSQL keeps none), and a fill that read the
 * replica just before the apply and lands just after the notification's delete stays.
 */
export const replicaApplyInvalidation: StrategyDefinition = {
  name: 'replica-apply-invalidation',
  summary: "writes delete the entry; a trigger on the replica notifies when it applies the row, and the app deletes it again",
  cacheRole: 'display',
  cacheTtlMs: 30_000,
  create: (deps) => {
    let deleting = 0;
    let listener: Listener | undefined;
    const ready: Promise<Result<void>> = deps.replica === undefined ? Promise.resolve(ok(undefined)) : setUp(deps.replica);

    async function setUp(replica: Replica): Promise<Result<void>> {
      for (const sql of TRIGGER_DDL) {
        const res = await replica.db.query(sql);
        if (res.outcome !== 'ok') return res;
      }
      const schema = await replica.db.query<{ schema: string }>('SELECT current_schema() AS schema');
      if (schema.outcome !== 'ok') return schema;
      const prefix = `${schema.value[0]?.schema ?? ''}:`;
      const started = replica.listen(APPLY_CHANNEL, (payload) => {
        if (!payload.startsWith(prefix)) return;
        deleting++;
        void deps.cache.del(payload.slice(prefix.length)).finally(() => deleting--);
      });
      listener = started;
      const deadline = Date.now() + LISTEN_READY_MS;
      while (!started.listening() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      return started.listening() ? ok(undefined) : { outcome: 'fail', error: `no LISTEN connection to the replica within ${LISTEN_READY_MS} ms` };
    }

    return {
      async read(key, op) {
        const up = await ready;
        if (up.outcome !== 'ok') return { outcome: 'fail', error: `replica trigger and LISTEN: ${up.error}` };
        return replicaFillRead(deps, key, op, () => Promise.resolve(ok('replica')));
      },
      async write(key, value, op) {
        if (deps.replica === undefined) return noReplica;
        const up = await ready;
        if (up.outcome !== 'ok') return { outcome: 'fail', error: `replica trigger and LISTEN: ${up.error}` };
        return commitThenDelete(deps, key, value, op);
      },
      idle: () => deleting === 0,
      close: () => void listener?.stop(),
    };
  },
};
