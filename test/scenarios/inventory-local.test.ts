import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/result.js';
import { expectInventoryFigures } from './inventory-expectations.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

describe('inventory-oversell on the local stack, through the CLI', () => {
  it('oversells 4 units under cache-first and none under the remedies, after a PostgreSQL cut and a Redis restart', async () => {
    const run = await execa('node', [cli, 'run', 'inventory-oversell', '--json'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.stack.mode).toBe('local');
    expectInventoryFigures(report);
  });

  it('prints the units oversold in the terminal report', async () => {
    const run = await execa('node', [cli, 'run', 'inventory-oversell', '--strategy', 'cache-first', '--no-color'], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('4 units sold that do not exist');
    expect(run.stdout).toContain('4 customers will not get their order');
  });
});
