import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import type { ExploreReport } from '../../src/runner/explore-result.js';
import type { RunReport } from '../../src/runner/result.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
// The suite's own servers, as an external stack: each explore starts only its proxy and app.
const external = ['--stack', 'external', '--redis-url', inject('redisUrl'), '--database-url', inject('databaseUrl')];
const cachelab = (args: string[]) =>
  execa('node', [cli, ...args], { env: { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' }, reject: false, timeout: 120_000 });

async function explore(args: string[]): Promise<{ exitCode: number | undefined; report: ExploreReport; stderr: string }> {
  const r = await cachelab(['explore', 'payment-double-spend', ...args, '--json', ...external]);
  expect(r.stderr).not.toContain('internal error');
  return { exitCode: r.exitCode, report: JSON.parse(r.stdout) as ExploreReport, stderr: r.stderr };
}

describe('cachelab explore (payment-double-spend, real Redis, PostgreSQL and proxy)', () => {
  it('finds write-through failing, shrinks it to the single Redis reset after the commit, and its replay command gives the same verdict', async () => {
    const { exitCode, report, stderr } = await explore(['--strategy', 'write-through', '--seed', '2', '--runs', '6', '--faults', 'reset,link-down,kill-app', '--max-faults', '2']);
    expect(exitCode).toBe(1);
    expect(report.clean.verdict).toBe('consistent');
    expect(report.windows).toEqual(expect.arrayContaining(['p1@after-db-commit', 'p2@after-cache-read', 'r1@after-cache-read']));
    expect(report.runs).toBe(6);
    expect(report.failing).toBeGreaterThan(0);
    expect(report.minimal.map((m) => m.schedule)).toContain('p1@after-db-commit:reset-redis');
    for (const m of report.minimal) {
      expect(m.entries).toHaveLength(1);
      expect(m.entries[0]).toMatchObject({ op: 'p1', fault: 'reset-redis' });
    }
    expect(report.points.find((p) => p.point === 'after-db-commit')?.broke).toBeGreaterThan(0);
    expect(report.app.started).toBeLessThan(report.app.reused);
    expect(stderr).toContain('run 6/6');

    const minimal = report.minimal.find((m) => m.schedule === 'p1@after-db-commit:reset-redis');
    expect(minimal?.replay).toBe("cachelab run payment-double-spend --strategy write-through --schedule 'p1@after-db-commit:reset-redis'");
    for (let i = 0; i < 3; i++) {
      const replay = await cachelab(['run', 'payment-double-spend', '--strategy', 'write-through', '--schedule', 'p1@after-db-commit:reset-redis', '--json', ...external]);
      expect(replay.exitCode).toBe(1);
      const result = (JSON.parse(replay.stdout) as RunReport).results[0];
      expect(result?.verdict).toBe('inconsistent');
      expect(result?.schedule).toEqual({ text: 'p1@after-db-commit:reset-redis', unreached: [] });
      expect(result?.impact).toContain('1000 yen spent twice: 6000 yen of payments left an account that held 5000');
    }
  });

  it('finds no inconsistent run of delete-on-write under network faults, and the same seed draws the same schedules', async () => {
    const args = ['--strategy', 'delete-on-write', '--seed', '3', '--faults', 'reset,latency,link-down'];
    const { exitCode, report } = await explore([...args, '--runs', '14']);
    expect(report.runs).toBe(14);
    expect(report.failing).toBe(0);
    expect(report.minimal).toEqual([]);
    expect(report.unknown).toBe(report.ran.filter((r) => r.verdict === 'unknown').length);
    expect(exitCode).toBe(0);
    expect(new Set(report.ran.flatMap((r) => r.schedule.split(';').map((e) => e.slice(e.indexOf(':', e.indexOf('@')) + 1))))).toEqual(
      new Set(['reset-redis', 'reset-postgres', 'latency-redis', 'latency-postgres', 'link-down-redis', 'link-down-postgres']),
    );

    const again = await explore([...args, '--runs', '5']);
    expect(again.report.ran).toEqual(report.ran.slice(0, 5));
  });

  it('stops on Ctrl-C with the results so far (exit 130 when it found no failing schedule)', async () => {
    const child = execa('node', [cli, 'explore', 'payment-double-spend', '--strategy', 'delete-on-write', '--seed', '4', '--runs', '1000', '--faults', 'reset', '--json', ...external], {
      env: { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' },
      reject: false,
      timeout: 120_000,
    });
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/run 3\/1000/.test(stderr)) resolve();
      });
      void child.then(() => resolve());
    });
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('SIGINT: stopping');
    const report = JSON.parse(r.stdout) as ExploreReport;
    expect(report.interrupted).toBe(true);
    expect(report.runs).toBeGreaterThanOrEqual(3);
    expect(report.runs).toBeLessThan(1000);
    expect(report.ran).toHaveLength(report.runs);
  });

  it('exits 2 naming what is valid, before starting anything', async () => {
    const [faults, schedule, strategy, group] = await Promise.all([
      cachelab(['explore', 'payment-double-spend', '--strategy', 'write-through', '--faults', 'reset,partition']),
      cachelab(['run', 'payment-double-spend', '--schedule', 'p1@after-db-commit:drop-redis']),
      cachelab(['explore', 'payment-double-spend']),
      cachelab(['explore', 'invalidation-race', '--strategy', 'cache-aside']),
    ]);
    expect([faults.exitCode, schedule.exitCode, strategy.exitCode, group.exitCode]).toEqual([2, 2, 2, 2]);
    expect(group.stderr).toContain('name one of its scenarios: invalidation-race/');
    expect(faults.stderr).toContain('fault kinds: reset, latency, link-down, kill-app, kill-redis');
    expect(schedule.stderr).toContain('unknown fault "drop-redis"');
    expect(schedule.stderr).toContain('faults: reset-redis, reset-postgres');
    expect(strategy.stderr).toContain('strategies of payment-double-spend: write-through, two-phase-commit, saga, delete-on-write, event-sourcing');
  });
});
