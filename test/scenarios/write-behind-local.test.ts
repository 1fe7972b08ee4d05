import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/result.js';
import { expectRedisCrash } from './write-behind-expectations.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

describe('write-behind scenarios on the local stack, through the CLI', () => {
  it('write-behind-redis-crash runs the group: one local redis-server per persistence setting, SIGKILLed and restarted with it', async () => {
    const run = await execa('node', [cli, 'run', 'write-behind-redis-crash', '--json'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.stack.mode).toBe('local');
    expect([...new Set(report.results.map((r) => r.scenario))]).toEqual([
      'write-behind-redis-crash/aof-off',
      'write-behind-redis-crash/everysec',
      'write-behind-redis-crash/always',
    ]);
    expectRedisCrash(report, 'aof-off');
    expectRedisCrash(report, 'everysec');
    expectRedisCrash(report, 'always');
    for (const r of report.results) expect(r.redisPersistence?.source).toBe('local stack');
    // One stack; redis-server restarted with each setting's AOF flags.
    expect(run.stderr).toContain('starting Redis (AOF: none)');
    expect(run.stderr).toContain('redis-server restarted, empty, with AOF: everysec');
    expect(run.stderr).toContain('redis-server restarted, empty, with AOF: always');
  });

  it('write-behind-crash prints the confirmed orders lost and what each remedy kept', async () => {
    const run = await execa('node', [cli, 'run', 'write-behind-crash', '--no-color'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('37 confirmed orders lost: acknowledged to the customer, never written to the database');
    expect(run.stdout).toContain('37 orders only in the cache');
    // Explanations are wrapped to the terminal's width.
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('42 of 42 acknowledged orders are in the database');
    expect(run.stdout).toContain('3 of 3 matched their expectation');
    expect(run.stdout).not.toContain('Redis persistence');
  });
});
