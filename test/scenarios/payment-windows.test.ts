import { describe, expect, inject, it } from 'vitest';
import { runCommand } from '../../src/commands/run.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';

// The seeds' remedies' own windows, on the suite's servers (external mode, embedded proxy).
describe("the saga's and the two-phase commit's own windows", () => {
  it('cost money for the saga and a stale balance for good for the two-phase commit; delete-on-write holds in both', async () => {
    const report = await runCommand({
      scenarios: ['payment-double-spend/saga-crash', 'payment-double-spend/2pc-in-doubt'],
      all: false,
      strategies: [],
      seed: 1,
      stack: { mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') },
      redis: defaultRedisSettings,
      pg: defaultPgSettings,
      log: () => undefined,
    });
    const by = (scenario: string, strategy: string) => report.results.find((r) => r.scenario === `payment-double-spend/${scenario}` && r.strategy === strategy);

    const saga = by('saga-crash', 'saga');
    expect(saga?.verdict).toBe('inconsistent');
    expect(saga?.history.map((o) => [o.id, o.outcome])).toEqual([
      ['p1', 'unknown'], // killed before its compensation: the customer never heard back
      ['p2', 'ok'],
      ['r1', 'ok'],
    ]);
    expect(saga?.checks.find((c) => c.checker === 'bank')?.figures).toMatchObject({ spentTwice: 1000, applied: 6000, final: -1000 });
    expect(saga?.timeline.map((t) => t.event)).toEqual([
      'add toxic reset_peer on redis (upstream)',
      expect.stringMatching(/^SIGKILL app \(pid \d+\)$/),
      'remove toxic reset_peer on redis (upstream)',
      expect.stringMatching(/^app restarted/),
    ]);

    const twoPhase = by('2pc-in-doubt', 'two-phase-commit');
    expect(twoPhase?.verdict).toBe('inconsistent');
    expect(twoPhase?.diff).toMatchObject([{ key: 'account:alice', db: '4000', cache: '5000', ttlMs: null, status: 'stale' }]);
    expect(twoPhase?.bookkeeping).toMatchObject([{ key: '_meta:2pc:p1', value: 'account:alice:-1000' }]);
    expect(twoPhase?.history.find((o) => o.id === 'p2')?.outcome).toBe('fail'); // the row lock declined it

    for (const scenario of ['saga-crash', '2pc-in-doubt']) {
      const remedy = by(scenario, 'delete-on-write');
      expect(remedy?.verdict, scenario).toBe('consistent');
      expect(remedy?.checks.find((c) => c.checker === 'bank')?.figures.spentTwice, scenario).toBe(0);
    }
    expect(report.ok).toBe(true);
  });
});
