import { describe, expect, it } from 'vitest';
import { renderScenarioList } from '../../src/report/scenario-table.js';

const rows = [
  {
    name: 'payment-double-spend',
    summary: 'A debit commits in PostgreSQL but the cache SET fails; later payments are authorized from the stale balance.',
    strategies: ['write-through', 'saga'],
    faults: ['reset redis at after-db-commit'],
  },
  { name: 'invalidation-race', summary: 'Two writers and a stale fill.', strategies: ['cache-aside'], faults: [] },
];

describe('renderScenarioList', () => {
  it('lists every scenario with its summary, strategies and faults', () => {
    const text = renderScenarioList(rows, { color: false });

    expect(text).toMatch(/│ payment-double-spend\s+│ A debit commits in PostgreSQL/);
    expect(text).toMatch(/│ write-through\s+│ reset redis at after-db-commit/);
    expect(text).toMatch(/│ saga\s+│\s+│\n/);
    expect(text).toMatch(/│ invalidation-race\s+│ Two writers and a stale fill\.\s+│ cache-aside\s+│ -\s+│/);
    expect(text).toContain('2 scenarios');
  });

  it('wraps a long summary over several lines instead of widening the table', () => {
    const text = renderScenarioList(rows, { color: false });

    expect(text).toMatch(/│ payment-double-spend\s+│ A debit commits in PostgreSQL but the cache SET\s+│/);
    expect(text).toMatch(/│\s+│ stale balance\.\s+│/);
  });

  it('uses no ANSI codes when colour is off, and some when it is on', () => {
    expect(renderScenarioList(rows, { color: false })).not.toContain('\u001b[');
    expect(renderScenarioList(rows, { color: true })).toContain('\u001b[');
  });

  it('shows the scenarios of a suite in a table of their own, saying how to run them', () => {
    const suite = { name: 'l1', summary: 'Two apps.', strategies: ['naive-bus'], faults: [], suite: 'distributed', apps: 2, needs: ['redis-failover'] };
    const text = renderScenarioList([...rows, suite], { color: false });
    const heading = text.indexOf('suite distributed: not in the default matrix (run --all --include distributed, or name the scenario)');
    expect(heading).toBeGreaterThan(text.indexOf('invalidation-race'));
    expect(text.indexOf('│ l1')).toBeGreaterThan(heading);
    expect(text).toMatch(/│ \(2 apps\)\s+│/);
    expect(text).toMatch(/│ needs redis-failover\s+│/);
    expect(text).toContain('3 scenarios');
  });

  it('says so when there are no scenarios', () => {
    expect(renderScenarioList([], { color: false })).toBe('no scenarios found\n');
  });
});
