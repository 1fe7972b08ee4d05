import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../scenarios/index.js';
import { contractOf } from '../../src/commands/list.js';
import type { ClientOp } from '../../src/history/history.js';
import { contractMarkdown } from '../../src/report/contract.js';
import type { LoadResult } from '../../src/runner/load-run.js';
import type { WorkloadContext } from '../../src/runner/scenario.js';

/** The operation kinds a workload invokes, run against a context where every call succeeds at once. */
async function kindsInvoked(workload: (ctx: WorkloadContext) => Promise<void>, apps: number): Promise<string[]> {
  const kinds = new Set<ClientOp['kind']>();
  const done = (): Promise<void> => Promise.resolve();
  await workload({
    apps,
    invoke: (_client, _id, op) => {
      kinds.add(op.kind);
      return Promise.resolve({ outcome: 'ok', value: 0 });
    },
    reached: done,
    inject: done,
    heal: done,
    restartApp: done,
    startRedis: done,
    settle: done,
    // A load reads through the strategy in the app, with no op of the workload's.
    startLoad: () => {
      kinds.add('read');
      return { at: done, done: Promise.resolve({} as LoadResult) };
    },
    expire: () => Promise.resolve(true),
  });
  return [...kinds].sort();
}

describe('every scenario documents its data contract for strategy modules', () => {
  for (const scenario of scenarios) {
    it(`${scenario.name}: the operations its workload calls, the points it arms, the tables its checkers read`, async () => {
      const { contract } = scenario;
      expect(Object.keys(contract.operations).sort()).toEqual(await kindsInvoked((ctx) => scenario.workload(ctx), scenario.apps ?? 1));
      const armed = scenario.faults.flatMap((rule) => [
        rule.point,
        ...rule.inject.flatMap((f) => (f.kind === 'hold-until' && f.point !== 'done' ? [f.point] : [])),
      ]);
      expect(Object.keys(contract.points).sort()).toEqual([...new Set(armed)].sort());
      expect(contract.tables.length).toBeGreaterThan(0);
      for (const table of contract.tables) expect(['records', 'ledger', 'orders', 'set_items']).toContain(table.name);
    });
  }

  it('docs/strategy-modules.md shows each contract as `cachelab list --verbose` does', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/strategy-modules.md'), 'utf8');
    for (const scenario of scenarios) expect(docs).toContain(contractMarkdown(scenario.name, contractOf(scenario)));
  });
});
