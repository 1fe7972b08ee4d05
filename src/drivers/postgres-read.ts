import pg from 'pg';
import Cursor from 'pg-cursor';

/** One row as PostgreSQL prints it: each column's text (jsonb, numeric, timestamps alike), or null. */
export type TextRow = (string | null)[];

export interface ReadOnlyQueryOptions {
  /** ms the server may spend on the query before it cancels it; also on each fetch of rows. */
  statementTimeoutMs: number;
  /** ms to connect (TCP, TLS, authentication). */
  connectTimeoutMs: number;
  /** Rows per fetch from the cursor: what is held in memory at once, besides the caller's. */
  batchRows: number;
  /** Aborting it ends the connection at once; the server rolls the transaction back. */
  signal?: AbortSignal;
}

/**
 * ok: every row was handed over (value: how many). refused: the server refused the query (syntax,
 * permissions, a write in the READ ONLY transaction). timeout: the statement timeout cancelled it.
 * unreachable: no connection, or the link died (or `signal` ended it).
 */
export type ReadOnlyResult =
  | { outcome: 'ok'; value: { rows: number } }
  | { outcome: 'refused' | 'timeout' | 'unreachable'; error: string };

/** Every column arrives as the server's text, parsed by nobody: the comparison decides. */
const asText = { getTypeParser: () => (text: string) => text };

/** ms past the statement timeout after which a silent link counts as dead. */
const LINK_GRACE_MS = 5000;

/** SQLSTATE query_canceled: the statement timeout fired. */
const QUERY_CANCELED = '57014';

/**
 * Runs `sql` read-only and hands its rows over in batches, never holding the whole result: its
 * own connection, `BEGIN TRANSACTION READ ONLY` (PostgreSQL refuses any write, even through a
 * function; a query has run before the user's, so nothing can switch the transaction to read
 * write), a statement timeout and an idle-in-transaction timeout set LOCAL to it (so they work
 * through PgBouncer in transaction mode, which refuses startup options; a stalled reader cannot
 * keep a transaction open). The query goes through a cursor on the extended protocol (pg-cursor):
 * one statement only, parameters apart from the SQL, rows fetched `batchRows` at a time. Always
 * ROLLBACK and disconnect. Resolves, never throws; `onRows` must not throw.
 */
export async function streamReadOnly(
  url: string,
  sql: string,
  params: unknown[],
  opts: ReadOnlyQueryOptions,
  onRows: (rows: TextRow[]) => void,
): Promise<ReadOnlyResult> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    // Client-side guard for the statements above the cursor, should the link stall silently.
    query_timeout: opts.statementTimeoutMs + LINK_GRACE_MS,
    application_name: 'cachelab check',
  });
  // A server going away emits 'error' on the client; unheard, it would crash the process.
  client.on('error', () => undefined);
  const abort = (): void => void client.end().catch(() => undefined);
  opts.signal?.addEventListener('abort', abort);
  let stage: 'connect' | 'query' = 'connect';
  try {
    if (opts.signal?.aborted) return { outcome: 'unreachable', error: 'aborted' };
    await client.connect();
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query("SELECT set_config('statement_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)", [
      `${opts.statementTimeoutMs}ms`,
      `${Math.max(opts.statementTimeoutMs, 10_000)}ms`,
    ]);
    stage = 'query';
    const cursor = client.query(new Cursor<TextRow>(sql, params, { rowMode: 'array', types: asText }));
    let rows = 0;
    for (;;) {
      const batch = await guarded(cursor.read(opts.batchRows), opts.statementTimeoutMs + LINK_GRACE_MS, abort);
      if (batch.length === 0) break;
      rows += batch.length;
      onRows(batch);
    }
    await cursor.close();
    return { outcome: 'ok', value: { rows } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (opts.signal?.aborted) return { outcome: 'unreachable', error: 'aborted' };
    if (stage === 'query' && err instanceof pg.DatabaseError) {
      return { outcome: err.code === QUERY_CANCELED ? 'timeout' : 'refused', error: message };
    }
    return { outcome: 'unreachable', error: message };
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** `promise`, or a rejection after `ms` (having called `giveUp`, which ends the connection). */
async function guarded<T>(promise: Promise<T>, ms: number, giveUp: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined); // its late rejection, once we gave up on it, is not news
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      giveUp();
      reject(new Error(`no answer from PostgreSQL within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
