import { describe, expect, inject, it } from 'vitest';
import { streamReadOnly, type ReadOnlyResult, type TextRow } from '../../src/drivers/postgres-read.js';
import { freeTcpPort } from '../stack/helpers.js';

const databaseUrl = inject('databaseUrl');
const errorOf = (result: ReadOnlyResult): string => (result.outcome === 'ok' ? 'no error' : result.error);
const options = { statementTimeoutMs: 5000, connectTimeoutMs: 2000, batchRows: 1000 };

describe('streamReadOnly', () => {
  it('hands the rows over a batch at a time, every column as the server prints it', async () => {
    const batches: TextRow[][] = [];
    const result = await streamReadOnly(
      databaseUrl,
      "SELECT i, jsonb_build_object('b', i, 'a', 1.50), NULL::int FROM generate_series(1, $1::int) i",
      [2500],
      options,
      (rows) => batches.push(rows),
    );
    expect(result).toEqual({ outcome: 'ok', value: { rows: 2500 } });
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches[0]?.[0]).toEqual(['1', '{"a": 1.50, "b": 1}', null]);
  });

  it('says refused for a query the server rejects, timeout for one over the statement timeout', async () => {
    const refused = await streamReadOnly(databaseUrl, 'SELECT nope FROM nowhere', [], options, () => undefined);
    expect(refused.outcome).toBe('refused');
    expect(errorOf(refused)).toContain('nowhere');
    const slow = await streamReadOnly(databaseUrl, 'SELECT 1, pg_sleep(2)', [], { ...options, statementTimeoutMs: 100 }, () => undefined);
    expect(slow.outcome).toBe('timeout');
    expect(errorOf(slow)).toContain('statement timeout');
  });

  it('says unreachable when nothing listens', async () => {
    const url = new URL(databaseUrl);
    url.port = String(await freeTcpPort());
    const result = await streamReadOnly(url.toString(), 'SELECT 1, 2', [], options, () => undefined);
    expect(result.outcome).toBe('unreachable');
    expect(errorOf(result)).toContain('ECONNREFUSED');
  });

  it('ends the connection at once when aborted, mid-query', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort('SIGINT'), 100);
    const started = performance.now();
    const result = await streamReadOnly(databaseUrl, 'SELECT 1, pg_sleep(5)', [], { ...options, signal: abort.signal }, () => undefined);
    expect(result).toMatchObject({ outcome: 'unreachable', error: 'aborted' });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
