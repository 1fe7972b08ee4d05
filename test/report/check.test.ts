import { describe, expect, it } from 'vitest';
import { addRound, noTotals, summarize, type CheckRoundReport, type SampledPair } from '../../src/checkers/sampled-consistency.js';
import { renderCheckRound, renderCheckTotals, renderWatchLine } from '../../src/report/check.js';

const pair = (key: string, database: string, cache: string | null, ttlMs: number | null = null): SampledPair => ({
  key,
  database,
  cache: cache === null ? null : { type: 'string', value: cache, ttlMs },
});

const pairs = [
  pair('product:1', '10', '10'),
  pair('product:2', '20', '21', 29_500),
  pair('product:3', '30', null),
  pair('product:4', '{"name": "a very long product name indeed, longer than forty"}', '{}'),
];

function report(healed?: boolean[]): CheckRoundReport {
  const result = summarize(pairs, 'string', healed);
  return { round: 1, result, rowsRead: 40, firstPassMs: 12, durationMs: 2015, totals: addRound(noTotals, result) };
}

const view = { comparison: 'string', recheckMs: 2000, maxInconsistent: 0.3, color: false };

describe('the cachelab check report', () => {
  it('shows the counts, the nines within the recheck delay, the verdict, and the differences, stuck first', () => {
    const text = renderCheckRound(report([true, false]), view);
    expect(text).not.toContain('\u001b[');
    expect(text).toContain('4 of 40 rows sampled, compared as string (first pass 12 ms)');
    expect(text).toMatch(/different +2 +read again after 2 s: 1 lagging \(right again\), 1 stuck \(still wrong\)/);
    expect(text).toContain('75.00% consistent within 2 s: inconsistent share 0.25, within --max-inconsistent 0.3');
    expect(text).toContain('first differences, stuck first (2 of 2)');
    const rows = text.split('\n').filter((line) => line.includes('product:'));
    expect(rows[0]).toMatch(/product:4 .*\{"name": "a very long product name inde… .*\{\} .*none .*stuck/);
    expect(rows[1]).toMatch(/product:2 .*20 .*21 .*29\.5 s .*lagging/);
  });

  it('says how to tell lagging from stuck when there was no recheck, and flags a share above the maximum', () => {
    const text = renderCheckRound(report(), { ...view, recheckMs: undefined });
    expect(text).toContain('not read again (--recheck 2s tells lagging from stuck)');
    expect(text).toContain('50.00% consistent: inconsistent share 0.5, above --max-inconsistent 0.3');
  });

  it('gives a --watch round one line with the running totals, and the totals at the end', () => {
    const line = renderWatchLine(report([true, false]), view, new Date(2025, 0, 1, 12, 0, 5));
    expect(line).toBe(
      '12:00:05 ✔ round 1: 4 sampled, 1 consistent, 1 missing, 2 different (1 lagging, 1 stuck), 75.00% consistent within 2 s  |  total 4 sampled, 1 stuck, 75.00% consistent within 2 s\n',
    );
    const totals = renderCheckTotals({ totals: report([true, false]).totals, ok: true, stopped: true }, view);
    expect(totals).toBe(
      'stopped after 1 round: 4 sampled, 1 consistent, 1 missing, 2 different (1 lagging, 1 stuck)\n' +
        '  75.00% consistent within 2 s: inconsistent share 0.25, within --max-inconsistent 0.3\n',
    );
  });

  it('shows long JSON values with sorted keys, cut around where they differ, at the same place', () => {
    const long = [pair('product:9', '{"name": "p9", "tags": ["a", "b"], "price": 90}', '{"tags":["a","b"],"price":91,"name":"p9"}')];
    const result = summarize(long, 'json');
    const text = renderCheckRound({ round: 1, result, rowsRead: 1, firstPassMs: 1, durationMs: 1, totals: addRound(noTotals, result) }, { ...view, comparison: 'json' });
    expect(text).toMatch(/product:9 │ …name":"p9","price":90,"tags":\["a","b"\]} │ …name":"p9","price":91,"tags":\["a","b"\]} │/);
  });
});
