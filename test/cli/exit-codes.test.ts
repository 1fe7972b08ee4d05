import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };
const cachelab = (args: string[], extraEnv: Record<string, string> = {}) =>
  execa('node', [cli, ...args], { env: { ...env, ...extraEnv }, reject: false, timeout: 60_000 });

describe('the CLI on bad input', () => {
  it('exits 2 before any work for a --junit or --report path it cannot write, a bad driver value, and doctor with a stray URL', async () => {
    const [junit, report, driver, doctor] = await Promise.all([
      cachelab(['run', 'payment-double-spend', '--junit', '/nonexistent/dir/r.xml']),
      cachelab(['matrix', '--report', '/nonexistent/dir/m.html']),
      cachelab(['run', 'payment-double-spend', '--driver', 'redis.commandTimeoutMs=0']),
      cachelab(['doctor'], { REDIS_URL: 'redis://127.0.0.1:6379' }),
    ]);
    expect([junit.exitCode, report.exitCode, driver.exitCode, doctor.exitCode]).toEqual([2, 2, 2, 2]);
    expect(junit.stderr).toContain('--junit /nonexistent/dir/r.xml: cannot write into /nonexistent/dir');
    expect(junit.stderr).not.toContain('starting Redis');
    expect(report.stderr).toContain('--report /nonexistent/dir/m.html: cannot write into /nonexistent/dir');
    expect(report.stderr).not.toContain('starting Redis');
    expect(driver.stderr).toContain('takes an integer from 1 to');
    expect(doctor.stderr).toContain('REDIS_URL set in the environment chose it');
    expect(doctor.stderr).toContain('--stack local');
  });

  it('names the valid strategies, in plural', async () => {
    const r = await cachelab(['run', 'payment-double-spend', '--strategy', 'nope']);
    expect(r.stderr).toContain('valid strategies: ');
  });

  it('exits 2 for an unknown scenario, names the valid ones and suggests the closest', async () => {
    const r = await cachelab(['run', 'payment-double-spnd']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown scenario "payment-double-spnd": did you mean "payment-double-spend"?');
    expect(r.stderr).toContain('valid scenarios: payment-double-spend');
    expect(r.stdout).toBe('');
  });

  it('exits 2 for an unknown strategy, a bad seed, a bad stack mode, an unknown flag, and no scenario', async () => {
    const results = await Promise.all([
      cachelab(['run', 'payment-double-spend', '--strategy', 'write-thru']),
      cachelab(['run', 'payment-double-spend', '--seed', 'abc']),
      cachelab(['run', 'payment-double-spend', '--stack', 'docker']),
      cachelab(['run', 'payment-double-spend', '--bogus']),
      cachelab(['run']),
    ]);
    expect(results.map((r) => r.exitCode)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]?.stderr).toContain('did you mean "write-through"');
    expect(results[1]?.stderr).toContain('--seed must be a non-negative integer');
    expect(results[2]?.stderr).toMatch(/local.*external/);
    expect(results[3]?.stderr).toContain("unknown option '--bogus'");
    expect(results[3]?.stderr).toContain('valid options for cachelab run: --all, --strategy, --strategy-module, --expect, --json, --junit');
    expect(results[4]?.stderr).toContain('--all');
  });

  it('exits 3 without a stack trace when an external service cannot be reached, naming it, the cause and the fix', async () => {
    const r = await cachelab(['run', 'payment-double-spend', '--redis-url', 'redis://127.0.0.1:1', '--database-url', 'postgres://root@127.0.0.1:1/x']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/(Redis|PostgreSQL) at \S+ is not usable: .*ECONNREFUSED/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 3 when redis-server is missing and says how to install it', async () => {
    const r = await cachelab(['run', 'payment-double-spend'], { CACHELAB_REDIS_SERVER: '/nonexistent/redis-server' });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('apt-get install redis-server');
  });

  it('lists the scenarios as JSON with their strategies and faults', async () => {
    const r = await cachelab(['list', '--json']);
    expect(r.exitCode).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; strategies: string[]; faults: string[] }[];
    expect(rows.map((s) => s.name)).toContain('payment-double-spend');
    expect(rows[0]?.faults[0]).toContain('reset_peer on redis');
    // Faults the workload injects itself are listed too, not only those at fault points.
    expect(rows.find((s) => s.name === 'inventory-oversell')?.faults.join('\n')).toMatch(/PostgreSQL link[\s\S]*redis-server is SIGKILLed/);
  });

  it("shows each scenario's data contract for strategy modules with list --verbose, and in list --json", async () => {
    const [verbose, json] = await Promise.all([cachelab(['list', '--verbose', '--no-color']), cachelab(['list', '--json'])]);
    expect(verbose.stdout).toContain('payment-double-spend: data contract for strategy modules');
    expect(verbose.stdout).toMatch(/ledger\(op_id, key, amount, status\): each debit that takes money inserts one row/);
    expect(verbose.stdout).toMatch(/op\.point\('after-fill-read'\): in read, after a cache miss[\s\S]*armed for r0: hold until w1 completes/);
    const rows = JSON.parse(json.stdout) as { name: string; contract: { operations: { method: string }[] } }[];
    expect(rows.find((r) => r.name === 'inventory-oversell')?.contract.operations.map((o) => o.method)).toEqual(['order(key, op)', 'read(key, op)']);
  });
});
