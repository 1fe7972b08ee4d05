import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { paymentDoubleSpend } from '../../scenarios/payment-double-spend.js';
import { inspectStrategyModule } from '../../src/app/strategy-module.js';
import { defaultPgSettings } from '../../src/drivers/postgres.js';
import { defaultRedisSettings } from '../../src/drivers/redis.js';
import type { StrategyResult } from '../../src/runner/result.js';
import { runScenario } from '../../src/runner/run-scenario.js';
import type { Scenario } from '../../src/runner/scenario.js';
import type { ModuleRun } from '../../src/runner/strategy-plan.js';
import type { Stack } from '../../src/stack/contract.js';
import { startStack } from '../../src/stack/stack.js';

// What a user's module that misbehaves at run time gives: an unknown result with the reason (and
// its stack), never a crash of the lab; on the suite's servers behind the embedded proxy.
const options = { redis: defaultRedisSettings, pg: defaultPgSettings, log: () => undefined };
let stack: Stack;
let dir: string;

/** payment-double-spend's workload without its fault: p1 1000, p2 5000, r1. */
const quiet: Scenario = { ...paymentDoubleSpend, name: 'quiet-payments', faults: [] };

/** A correct debit (conditional, with the ledger row in the same statement) with `extra` spliced in first. */
const debit = (extra: string): string => `async debit(key, amount, op) {
      ${extra}
      const { rows } = await db.query(
        'WITH paid AS (UPDATE records SET value = value - $2 WHERE key = $1 AND value >= $2 RETURNING key, value), ' +
          'logged AS (INSERT INTO ledger (op_id, key, amount) SELECT $3, key, $2 FROM paid) SELECT value FROM paid',
        [key, amount, op.id],
      );
      if (rows.length === 0) return { outcome: 'fail', error: 'declined' };
      await redis.del(key);
      return rows[0].value;
    }`;
const read = `async read(key) { return (await db.query('SELECT value FROM records WHERE key = $1', [key])).rows[0].value; }`;
const module = (name: string, body: string, first = ''): string =>
  `export default { name: '${name}', cacheTtlMs: 5000, create({ redis, db }) { ${first} return { ${read}, ${body} }; } };\n`;

async function load(name: string, text: string): Promise<ModuleRun> {
  const file = join(dir, `${name}.mjs`);
  await writeFile(file, text);
  return { ...(await inspectStrategyModule(file)), expect: 'consistent' };
}

const runFinding = (r: StrategyResult): string => r.checks.find((c) => c.checker === 'run')?.findings.join('\n') ?? '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachelab-module-runs-'));
  stack = await startStack({ mode: 'external', redisUrl: inject('redisUrl'), databaseUrl: inject('databaseUrl') });
});

afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a strategy module at run time', () => {
  it('runs like a built-in when it keeps to the contract: consistent, its name verbatim, values as numbers', async () => {
    const result = await runScenario(quiet, await load('plain module', module('plain module', debit(''))), stack, options);
    expect(result.strategy).toBe('plain module');
    expect(result.history.map((o) => [o.id, o.outcome, o.value])).toEqual([
      ['p1', 'ok', 4000],
      ['p2', 'fail', undefined],
      ['r1', 'ok', 4000],
    ]);
    expect(result.verdict).toBe('consistent');
    expect(result.matches).toBe(true);
  });

  it('is unknown with the stack when create() throws in the app', async () => {
    // The stand-in client of the lab's look has no status: only the real create() in the app throws.
    const text = module('throws-on-create', debit(''), "if (typeof redis.status === 'string') throw new Error('no config file');");
    const info = await load('throws-on-create', text);
    expect(info.operations).toEqual(['read', 'debit']); // with stand-in clients create() got through
    const result = await runScenario(quiet, info, stack, options);
    expect(result.verdict).toBe('unknown');
    expect(runFinding(result)).toMatch(/^the app process could not start: strategy module throws-on-create: create\(\) failed: Error: no config file\n\s+at (Object\.)?create \(file:\/\/\S+throws-on-create\.mjs:1:\d+\)/);
  });

  it('is unknown with the stack when the app process crashes under it, and the run goes on', async () => {
    const crash = "if (op.id === 'p2') setTimeout(() => { throw new Error('worker crashed'); }, 0);";
    const result = await runScenario(quiet, await load('crashes', module('crashes', debit(crash))), stack, options);
    expect(result.verdict).toBe('unknown');
    expect(runFinding(result)).toMatch(/died unexpectedly \(exit code 1\)[\s\S]*Error: worker crashed\n\s+at Timeout\._onTimeout \(file:\/\/\S+crashes\.mjs/);
    expect(result.history.find((o) => o.id === 'p1')?.outcome).toBe('ok');
  });

  it('records a thrown client error with its classification, and a thrown bug as unknown with its stack', async () => {
    const refused = "if (op.id === 'p1') await db.query('SELEC 1');";
    const bug = "if (op.id === 'p2') null.value;";
    const result = await runScenario(quiet, await load('throws', module('throws', debit(`${refused} ${bug}`))), stack, options);
    const [p1, p2] = result.history;
    expect(p1).toMatchObject({ outcome: 'fail', error: expect.stringMatching(/^threw error: syntax error at or near "SELEC" \(fail: PostgreSQL refused the statement \(SQLSTATE 42601\)\)$/) as string });
    expect(p2).toMatchObject({ outcome: 'unknown', error: expect.stringMatching(/^throws threw: TypeError: Cannot read properties of null[\s\S]*not an error of its Redis or PostgreSQL client/) as string });
    expect(result.verdict).toBe('unknown');
  });

  it('makes an unknown fault point name and an answer outside the contract findings, not crashes', async () => {
    const body = `${debit("await op.point('after-commit');")}, write: async () => true`;
    const scenario: Scenario = {
      ...quiet,
      async workload(ctx) {
        await ctx.invoke('alice', 'p1', { kind: 'debit', key: 'account:alice', amount: 1000 });
        await ctx.invoke('alice', 'w1', { kind: 'write', key: 'account:alice', value: 7 });
      },
    };
    const result = await runScenario(scenario, await load('sloppy', module('sloppy', body)), stack, options);
    expect(result.history.map((o) => [o.id, o.outcome])).toEqual([
      ['p1', 'ok'],
      ['w1', 'unknown'],
    ]);
    expect(runFinding(result)).toContain('sloppy called op.point("after-commit") serving p1: not a fault point, so no scenario can arm it (fault points: after-cache-read,');
    expect(runFinding(result)).toContain("sloppy's write() answered boolean true: answer the value, or { outcome: 'ok' | 'fail' | 'unknown', value?, error? }");
    expect(result.verdict).toBe('unknown');
  });

  it('is not applicable, and says so, in a scenario calling a method it lacks', async () => {
    const info = await load('reader', `export default { name: 'reader', create: ({ db }) => ({ ${read} }) };\n`);
    const result = await runScenario(quiet, info, stack, options);
    expect(result).toMatchObject({ verdict: 'skipped', matches: false, skipReason: 'not applicable: reader does not implement debit(), which quiet-payments calls' });
  });

  it('is unknown, naming the method, when the lab could not see its methods up front and it lacks one', async () => {
    const text = `export default { name: 'late', async create({ db }) { await db.query('SELECT 1'); return { ${read} }; } };\n`;
    const info = await load('late', text);
    expect(info.operations).toBeUndefined(); // create() waited on a stand-in client
    const result = await runScenario(quiet, info, stack, options);
    expect(result.history.find((o) => o.id === 'p1')).toMatchObject({ outcome: 'unknown', error: 'late has no debit()' });
    expect(runFinding(result)).toContain('late does not implement debit(), which the scenario calls');
    expect(result.verdict).toBe('unknown');
  });
});
