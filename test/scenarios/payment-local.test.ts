import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/result.js';
import { expectPaymentFigures } from './payment-expectations.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// Local mode is chosen when no URL is given: keep the environment's URLs out of it.
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };

/** PIDs of processes whose command line mentions `needle` (our run dir). */
async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) found.push(Number(entry));
  }
  return found;
}

describe('payment-double-spend on the local stack, through the CLI', () => {
  it('shows money spent twice under write-through and none under the remedies, and leaves nothing behind', async () => {
    const junit = join(tmpdir(), `payment-junit-${process.pid}.xml`);
    const run = await execa('node', [cli, 'run', 'payment-double-spend', '--json', '--junit', junit], { env, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.stack.mode).toBe('local');
    expectPaymentFigures(report);
    const xml = await readFile(junit, 'utf8');
    await rm(junit);
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).not.toContain('<failure');

    const dir = join(tmpdir(), `cachelab-${report.runId}`);
    expect(existsSync(dir)).toBe(false);
    expect(await processesMentioning(`cachelab-${report.runId}`)).toEqual([]);
  });

  it('tears the stack down when interrupted with SIGINT mid-run', async () => {
    const child = execa('node', [cli, 'run', 'payment-double-spend', '--verbose'], { env, reject: false });
    let dir: string | undefined;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the run never reached its first scenario')), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        dir ??= /in (\S*cachelab-[a-z0-9_]+)/.exec(chunk.toString())?.[1];
        if (dir && chunk.toString().includes('running payment-double-spend')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(dir).toBeDefined();
    child.kill('SIGINT');
    const result = await child;
    expect(result.signal === 'SIGINT' || result.exitCode === 130).toBe(true);
    expect(existsSync(dir ?? '')).toBe(false);
    expect(await processesMentioning(dir ?? 'never')).toEqual([]);
  });
});
