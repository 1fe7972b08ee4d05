import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/result.js';
import { pidAlive, pidsStillAlive, redisGet, serverPids, sql } from '../stack/helpers.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');

describe('--keep', () => {
  it("keeps every strategy's final data in a namespace of its own and says where", async () => {
    const run = await execa('node', [cli, 'run', 'payment-double-spend', '--keep', '--json'], {
      env: { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' },
      reject: false,
    });
    const dir = /in (\S*cachelab-[a-z0-9_]+)/.exec(run.stderr)?.[1] ?? 'no run dir';
    try {
      expect(run.exitCode, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as RunReport;
      const kept = report.results.map((r) => r.kept);
      expect(kept.map((k) => k?.schema)).toEqual([1, 2, 3, 4].map((n) => `cachelab_${report.runId}_${n}`));
      for (const result of report.results) {
        expect(run.stderr).toContain(`kept ${result.scenario} x ${result.strategy}: keys ${result.kept?.keyPrefix}*, schema ${result.kept?.schema}`);
      }
      // Each strategy's final balance is there to inspect, where the report says it is.
      const databaseUrl = (await readFile(join(dir, 'postgres.url'), 'utf8')).trim();
      const redisUrl = new URL(report.stack.redis).toString();
      for (const result of report.results) {
        const db = result.diff.find((row) => row.key === 'account:alice');
        const rows = await sql<{ value: string }>(databaseUrl, `SELECT value FROM ${result.kept?.schema}.records WHERE key = 'account:alice'`);
        expect(rows[0]?.value).toBe(db?.db);
        expect(await redisGet(redisUrl, `${result.kept?.keyPrefix}account:alice`)).toBe(db?.cache ?? null);
      }
    } finally {
      const { all } = serverPids(dir);
      // A backend of the test's own (closed) connection may exit between listing and signal: gone is fine.
      for (const pid of all.filter(pidAlive)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // exited meanwhile; pidsStillAlive below checks that every one is gone
        }
      }
      expect(await pidsStillAlive(all, 10_000)).toEqual([]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
