import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_APPS, MAX_SAMPLE, parseApps, parseDriverSettings, parseInclude, parseDuration, parseOutputFile, parseSampleSize, parseSeed, parseShare, parseStackMode } from '../../src/cli/options.js';
import { closest, resolveNames } from '../../src/commands/resolve.js';
import { selectRuns } from '../../src/commands/run.js';
import { LabError } from '../../src/errors.js';
import type { ModuleRun } from '../../src/runner/strategy-plan.js';
import { scenarios } from '../../scenarios/index.js';

const usage = (fn: () => unknown): LabError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof LabError && err.code === 'usage') return err;
    throw err;
  }
  throw new Error('expected a usage error');
};

describe('argv handling', () => {
  it('accepts a non-negative integer seed and rejects anything else with an example', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('0')).toBe(0);
    for (const bad of ['-1', '1.5', 'abc', '', '99999999999999999999']) {
      expect(usage(() => parseSeed(bad)).hint).toContain('--seed 42');
    }
  });

  it('draws a seed when none is given', () => {
    expect(Number.isInteger(parseSeed(undefined))).toBe(true);
  });

  it('accepts local or external as the stack mode and names both when given something else', () => {
    expect(parseStackMode('local')).toBe('local');
    expect(parseStackMode(undefined)).toBeUndefined();
    expect(usage(() => parseStackMode('docker')).message).toContain('local or external');
  });

  it('overrides one driver setting at a time and keeps the rest at their defaults', () => {
    const { redis, pg } = parseDriverSettings(['redis.commandTimeoutMs=250', 'redis.autoResendUnfulfilledCommands=true', 'pg.poolMax=8']);
    expect(redis.commandTimeoutMs).toBe(250);
    expect(redis.autoResendUnfulfilledCommands).toBe(true);
    expect(redis.maxRetriesPerRequest).toBe(0);
    expect(pg.poolMax).toBe(8);
  });

  it('rejects an unknown driver setting by listing the valid ones, and a value of the wrong type', () => {
    expect(usage(() => parseDriverSettings(['redis.nope=1'])).hint).toContain('redis.commandTimeoutMs');
    expect(usage(() => parseDriverSettings(['redis.enableOfflineQueue=yes'])).message).toContain('true or false');
    expect(usage(() => parseDriverSettings(['pg.poolMax=-3'])).message).toContain('takes an integer from 1 to 1000');
    expect(usage(() => parseDriverSettings(['poolMax=3'])).message).toContain('unknown --driver setting');
  });

  it('rejects driver values the client would misread, naming the range: no instant timeouts, no pool of 0 read as 10', () => {
    expect(usage(() => parseDriverSettings(['redis.commandTimeoutMs=0'])).message).toBe(
      '--driver redis.commandTimeoutMs takes an integer from 1 to 2147483647, got "0"',
    );
    expect(usage(() => parseDriverSettings(['pg.poolMax=0'])).message).toContain('from 1 to 1000, got "0"');
    expect(usage(() => parseDriverSettings(['pg.queryTimeoutMs=0'])).message).toContain('from 1 to');
    expect(usage(() => parseDriverSettings(['redis.connectTimeoutMs=99999999999'])).message).toContain('to 2147483647');
    expect(parseDriverSettings(['pg.idleTimeoutMs=0', 'redis.maxRetriesPerRequest=0']).pg.idleTimeoutMs).toBe(0);
  });

  it('checks an output file before any work: an existing writable directory, a writable regular file', () => {
    expect(parseOutputFile('--junit', 'report.xml')).toBe(join(process.cwd(), 'report.xml'));
    expect(usage(() => parseOutputFile('--junit', '/nonexistent/dir/r.xml')).message).toBe('--junit /nonexistent/dir/r.xml: cannot write into /nonexistent/dir');
    expect(usage(() => parseOutputFile('--junit', tmpdir())).message).toContain('is not a regular file');
  });

  it('suggests the closest name for a typo or a prefix, and nothing for a stranger', () => {
    const names = ['payment-double-spend', 'inventory-oversell', 'write-behind-crash'];
    expect(closest('payment-double-spnd', names)).toBe('payment-double-spend');
    expect(closest('inventory', names)).toBe('inventory-oversell');
    expect(closest('zzz', names)).toBeUndefined();
  });

  it('names every valid scenario when one is unknown', () => {
    const err = usage(() => resolveNames('scenario', ['paymnt-double-spend'], ['payment-double-spend', 'other']));
    expect(err.message).toBe('unknown scenario "paymnt-double-spend": did you mean "payment-double-spend"?');
    expect(err.hint).toBe('valid scenarios: payment-double-spend, other');
  });

  it('expands a group name to its scenarios, in order and once, and suggests a group for a typo', () => {
    const valid = ['payment-double-spend', 'invalidation-race/concurrent-updates', 'invalidation-race/stale-fill'];
    expect(resolveNames('scenario', ['invalidation-race'], valid)).toEqual(['invalidation-race/concurrent-updates', 'invalidation-race/stale-fill']);
    expect(resolveNames('scenario', ['invalidation-race/stale-fill', 'invalidation-race'], valid)).toEqual([
      'invalidation-race/stale-fill',
      'invalidation-race/concurrent-updates',
    ]);
    const err = usage(() => resolveNames('scenario', ['invalidation-rase'], valid));
    expect(err.message).toBe('unknown scenario "invalidation-rase": did you mean "invalidation-race"?');
    expect(err.hint).toBe(`valid scenarios: ${valid.join(', ')} (groups: invalidation-race)`);
    expect(() => resolveNames('scenario', ['invalidation'], valid)).toThrow('unknown scenario "invalidation"');
  });

  it('runs both invalidation-race interleavings for the group name, each with its five strategies', () => {
    const runs = selectRuns({ scenarios: ['invalidation-race'], all: false, strategies: [] });
    const strategies = ['write-through', 'delete-on-write', 'versioned', 'leases', 'delayed-double-delete'];
    expect(runs.map((r) => [r.scenario.name, r.strategies])).toEqual([
      ['invalidation-race/concurrent-updates', strategies],
      ['invalidation-race/stale-fill', strategies],
    ]);
    const leases = selectRuns({ scenarios: ['invalidation-race'], all: false, strategies: ['leases'] });
    expect(leases.map((r) => [r.scenario.name, r.strategies])).toEqual([
      ['invalidation-race/concurrent-updates', ['leases']],
      ['invalidation-race/stale-fill', ['leases']],
    ]);
    expect(usage(() => selectRuns({ scenarios: ['payment-double-spend'], all: false, strategies: ['leases'] })).message).toContain(
      'unknown strategy "leases"',
    );
  });

  it('leaves suite scenarios out of --all unless --include names their suite; a name runs one anyway', () => {
    const [first] = scenarios;
    if (first === undefined) throw new Error('no scenarios');
    const extra = { ...first, name: 'suite-test/extra', suite: 'distributed' as const };
    scenarios.push(extra);
    try {
      const names = (include?: ('load' | 'distributed')[]): string[] =>
        selectRuns({ scenarios: [], all: true, strategies: [], include }).map((r) => r.scenario.name);
      expect(names()).not.toContain('suite-test/extra');
      expect(names(['load'])).not.toContain('suite-test/extra');
      expect(names(['distributed'])).toContain('suite-test/extra');
      expect(names()).toEqual(scenarios.filter((s) => s.suite === undefined).map((s) => s.name));
      expect(names(['distributed'])).toEqual(scenarios.filter((s) => s.suite !== 'load').map((s) => s.name));
      expect(selectRuns({ scenarios: ['suite-test/extra'], all: false, strategies: [] }).map((r) => r.scenario.name)).toEqual(['suite-test/extra']);
      expect(selectRuns({ scenarios: ['suite-test'], all: false, strategies: [] }).map((r) => r.scenario.name)).toEqual(['suite-test/extra']);
    } finally {
      scenarios.splice(scenarios.indexOf(extra), 1);
    }
  });

  it('takes --include suite names and --apps counts, naming what is valid otherwise', () => {
    expect(parseInclude(undefined)).toBeUndefined();
    expect(parseInclude(['load', 'distributed', 'load'])).toEqual(['load', 'distributed']);
    for (const bad of [['loads'], ['distributed', ''], []]) {
      expect(usage(() => parseInclude(bad)).hint).toContain('valid suites: load, distributed');
    }
    expect(parseApps(undefined)).toBeUndefined();
    expect(parseApps('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two', String(MAX_APPS + 1)]) {
      expect(usage(() => parseApps(bad)).message).toContain(`--apps takes a whole number from 1 to ${MAX_APPS}`);
    }
  });

  it('selects a scenario with all its strategies, or only those asked for', () => {
    const all = selectRuns({ scenarios: ['payment-double-spend'], all: false, strategies: [] });
    expect(all[0]?.strategies).toEqual(['write-through', 'two-phase-commit', 'saga', 'delete-on-write', 'event-sourcing']);
    const one = selectRuns({ scenarios: [], all: true, strategies: ['saga'] });
    expect(one.map((r) => [r.scenario.name, r.strategies])).toEqual([
      ['payment-double-spend', ['saga']],
      ['payment-double-spend/saga-crash', ['saga']],
    ]);
    expect(usage(() => selectRuns({ scenarios: [], all: false, strategies: [] })).message).toContain('--all');
    expect(usage(() => selectRuns({ scenarios: ['payment-double-spend'], all: false, strategies: ['sag'] })).message).toContain(
      'did you mean "saga"',
    );
  });

  it('runs strategy modules instead of the built-ins, plus the built-ins --strategy names', () => {
    const module = (name: string, operations: ModuleRun['operations']): ModuleRun => ({
      path: `/x/${name}.mjs`,
      name,
      summary: '',
      cacheTtlMs: 0,
      operations,
      expect: 'consistent',
    });
    const payments = module('pay', ['read', 'debit']);
    const mine = selectRuns({ scenarios: ['payment-double-spend'], all: false, strategies: [], modules: [payments] });
    expect(mine.map((r) => [r.scenario.name, r.strategies])).toEqual([['payment-double-spend', [payments]]]);
    const beside = selectRuns({ scenarios: ['payment-double-spend'], all: false, strategies: ['saga', 'pay'], modules: [payments] });
    expect(beside[0]?.strategies).toEqual(['saga', payments]);
    // With --all a module goes to every scenario of the default matrix; those it cannot serve are not applicable when run.
    expect(selectRuns({ scenarios: [], all: true, strategies: [], modules: [payments] }).map((r) => r.strategies)).toEqual(
      scenarios.filter((s) => s.suite === undefined).map(() => [payments]),
    );
    expect(usage(() => selectRuns({ scenarios: ['inventory-oversell'], all: false, strategies: [], modules: [payments] })).message).toContain(
      'pay does not implement order(), which inventory-oversell calls',
    );
    // Methods not known up front (create() waited on a client): it runs, and the app finds out.
    const unknown = module('late', undefined);
    expect(selectRuns({ scenarios: ['inventory-oversell'], all: false, strategies: [], modules: [unknown] })[0]?.strategies).toEqual([unknown]);
  });
});

describe('cachelab check flags', () => {
  it('reads durations with ms, s or m, a bare number as seconds, and refuses the rest', () => {
    expect(parseDuration('--recheck', '2s')).toBe(2000);
    expect(parseDuration('--recheck', '500ms')).toBe(500);
    expect(parseDuration('--watch', '1m')).toBe(60_000);
    expect(parseDuration('--watch', '1.5')).toBe(1500);
    for (const bad of ['0', '0s', '-1s', 'soon', '2h', '', '30000000s']) {
      expect(usage(() => parseDuration('--recheck', bad)).message).toContain('--recheck takes a duration such as 500ms, 2s or 1m');
    }
  });

  it('reads --max-inconsistent as a share from 0 to 1', () => {
    expect(parseShare('--max-inconsistent', '0.001')).toBe(0.001);
    expect(parseShare('--max-inconsistent', '0')).toBe(0);
    for (const bad of ['-0.1', '1.5', '5%', '', 'x']) expect(usage(() => parseShare('--max-inconsistent', bad)).hint).toContain('0.001');
  });

  it('reads --sample as a whole number of rows within the limit', () => {
    expect(parseSampleSize('100')).toBe(100);
    for (const bad of ['0', '1.5', '-3', 'all', String(MAX_SAMPLE + 1)]) expect(usage(() => parseSampleSize(bad)).message).toContain('--sample takes');
  });
});
