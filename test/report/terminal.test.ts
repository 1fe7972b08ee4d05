import { describe, expect, it } from 'vitest';
import { renderReport, renderSkipped } from '../../src/report/terminal.js';
import { palette } from '../../src/report/palette.js';
import { paymentRun } from './run-fixture.js';

const ANSI = '\u001b[';

function block(text: string, strategy: string): string {
  const start = text.indexOf(`━━ payment-double-spend × ${strategy}`);
  const end = text.indexOf('━━', start + 2);
  return text.slice(start, end === -1 ? text.indexOf('summary', start) : end);
}

describe('renderReport', () => {
  it('prints plain text without a single ANSI code when colour is off', () => {
    expect(renderReport(paymentRun(), { color: false, verbose: true })).not.toContain(ANSI);
  });

  it('colours the report when colour is on', () => {
    expect(renderReport(paymentRun(), { color: true })).toContain(ANSI);
  });

  it('puts run id, seed, stack endpoints and driver settings in the header', () => {
    const header = renderReport(paymentRun(), { color: false }).split('\n\n')[0] ?? '';

    expect(header).toContain('run-7f3a');
    expect(header).toContain('seed 42');
    expect(header).toContain('local: redis redis://127.0.0.1:41001, postgres postgres://lab@127.0.0.1:41002/lab');
    expect(header).toContain('toxiproxy http://127.0.0.1:41003');
    expect(header).toContain('maxRetriesPerRequest=0, enableOfflineQueue=false, commandTimeout=500');
  });

  it('splits long driver settings over two lines', () => {
    const run = paymentRun();
    run.driverSettings = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`someDriverSetting${i}`, i * 1000]));

    const header = renderReport(run, { color: false }).split('\n\n')[0] ?? '';
    const lines = header.split('\n').filter((l) => l.includes('someDriverSetting'));

    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('someDriverSetting0=0');
    expect(lines[1]).toContain('someDriverSetting7=7000');
  });

  it('shows the database and cache values, the checkers findings, the impact and the fault timeline', () => {
    const text = block(renderReport(paymentRun(), { color: false }), 'write-through');

    expect(text).toContain('inconsistent');
    expect(text).toContain('expected inconsistent: matches');
    expect(text).toMatch(/│ account:alice\s+│ 0\s+│ 0\s+│ none\s+│ consistent/);
    expect(text).toContain('p1 was reported failed but the database applied it');
    expect(text).toContain('1000 yen spent twice');
    expect(text).toContain('authorized from a stale balance');
    expect(text).toMatch(/│ 12\.5\s+│ add toxic reset_peer on redis \(upstream\)\s+│ after-db-commit \(p1\)/);
  });

  it('marks a result whose verdict differs from the expectation as DOES NOT MATCH', () => {
    const text = renderReport(paymentRun(), { color: false });

    expect(block(text, 'delete-on-write')).toContain('EXPECTED CONSISTENT: DOES NOT MATCH');
    expect(block(text, 'write-through')).not.toContain('DOES NOT MATCH');
    expect(block(text, 'delete-on-write')).toMatch(/│ account:alice\s+│ 4000\s+│ 5000\s+│ none\s+│ stale/);
  });

  it('shows why a skipped strategy did not run instead of checks', () => {
    const text = block(renderReport(paymentRun(), { color: false }), 'two-phase-commit');

    expect(text).toContain('skipped');
    expect(text).toContain('needs a kill command in external mode');
    expect(text).toContain('expected inconsistent: not checked (skipped)');
    expect(text).not.toContain('checks');
  });

  it('adds the history table only when verbose', () => {
    const quiet = renderReport(paymentRun(), { color: false });
    const verbose = renderReport(paymentRun(), { color: false, verbose: true });

    expect(quiet).not.toContain('debit account:alice 1000');
    expect(verbose).toMatch(/│ p1\s+│ client-1\s+│ debit account:alice 1000\s+│ [\d.]+\s+│ [\d.]+\s+│ fail/);
    expect(verbose).toContain('spentTwice 1000');
  });

  it('ends with the matrix in 100 columns, every cost in full, and the count of matches, mismatches and skips', () => {
    const text = renderReport(paymentRun(), { color: false });
    const summary = text.slice(text.lastIndexOf('summary'));

    // Strategies as rows, scenarios as columns: the mark, the verdict, the cost in a few words.
    expect(summary).toMatch(/│ strategy\s+│ payment-double-spend\s+│/);
    expect(summary).toMatch(/│ write-through\s+│ ✔ inconsistent\s+│\n│\s+│ 1000 yen spent\s+│/);
    expect(summary).toMatch(/│ delete-on-write\s+│ ✘ inconsistent\s+│\n│\s+│ expected consistent\s+│/);
    expect(summary).toMatch(/│ two-phase-commit\s+│ skipped\s+│/);
    expect(summary.split('\n').every((line) => line.length <= 100)).toBe(true);
    // Then the cost of each result in full.
    expect(summary).toMatch(/impact\n {2}payment-double-spend × write-through\n {4}1000 yen spent twice/);
    expect(summary).toContain('1 of 3 matched their expectation, 1 did not, 1 skipped (5.7 s)');
  });
});

describe('renderSkipped', () => {
  it('gives the skip reason under the title', () => {
    const skipped = paymentRun().results[2];
    if (skipped === undefined) throw new Error('fixture has three results');

    const text = renderSkipped(skipped, palette(false));

    expect(text.split('\n')[0]).toContain('payment-double-spend × two-phase-commit');
    expect(text).toContain('needs a kill command in external mode: pass --kill-redis "docker compose kill redis"');
  });
});
