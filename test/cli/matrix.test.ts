import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseShard } from '../../src/cli/options.js';
import { selectRuns } from '../../src/commands/run.js';
import { LabError } from '../../src/errors.js';
import { wrapName } from '../../src/report/matrix.js';
import type { RunReport } from '../../src/runner/result.js';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
const noUrls = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };
const pairs = (runs: ReturnType<typeof selectRuns>): string[] =>
  runs.flatMap((r) => r.strategies.map((s) => `${r.scenario.name} x ${typeof s === 'string' ? s : s.name}`));

describe('shards', () => {
  it('split the matrix into disjoint shares whose union is the whole, the same every time', () => {
    const all = pairs(selectRuns({ scenarios: [], all: true, strategies: [] }));
    const shares = [1, 2, 3].map((index) => pairs(selectRuns({ scenarios: [], all: true, strategies: [], shard: { index, count: 3 } })));
    expect(shares.flat().sort()).toEqual([...all].sort());
    expect(new Set(shares.flat()).size).toBe(all.length);
    expect(shares.every((share) => Math.abs(share.length - all.length / 3) < 1)).toBe(true);
    expect(pairs(selectRuns({ scenarios: [], all: true, strategies: [], shard: { index: 2, count: 3 } }))).toEqual(shares[1]);
  });

  it('take i/n with 1 <= i <= n, and say so otherwise', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '2']) {
      expect(() => parseShard(bad)).toThrow(LabError);
    }
  });
});

describe('matrix names', () => {
  it('wrap at / and - into lines of the column width', () => {
    expect(wrapName('invalidation-race/concurrent-updates', 20)).toEqual(['invalidation-race/', 'concurrent-updates']);
    expect(wrapName('payment-double-spend', 20)).toEqual(['payment-double-spend']);
    expect(wrapName('write-behind-redis-crash/everysec', 20)).toEqual(['write-behind-redis-', 'crash/everysec']);
  });
});

describe('cachelab matrix --shard and cachelab merge', () => {
  it('run two shards of the matrix and join them into the whole matrix and one JUnit report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cachelab-test-matrix-'));
    try {
      const shards = await Promise.all(
        ['1/2', '2/2'].map((shard) => execa('node', [cli, 'matrix', '--shard', shard, '--json'], { env: noUrls, reject: false })),
      );
      expect(shards.map((s) => s.exitCode)).toEqual([0, 0]);
      const files = await Promise.all(
        shards.map(async (shard, i) => {
          const file = join(dir, `shard-${i + 1}.json`);
          await writeFile(file, shard.stdout);
          return file;
        }),
      );
      const merged = await execa('node', [cli, 'merge', ...files, '--junit', join(dir, 'all.xml'), '--no-color'], { reject: false });
      expect(merged.exitCode, merged.stderr).toBe(0);
      const expected = pairs(selectRuns({ scenarios: [], all: true, strategies: [] }));
      const reports = shards.map((s) => JSON.parse(s.stdout) as RunReport);
      const run = reports.flatMap((r) => r.results.map((x) => `${x.scenario} x ${x.strategy}`));
      expect(run.sort()).toEqual([...expected].sort());
      const xml = await readFile(join(dir, 'all.xml'), 'utf8');
      expect(xml.match(/<testcase /g)).toHaveLength(expected.length);
      expect(merged.stdout).toMatch(/│ strategy\s+│ payment-double-spend/);
      expect(merged.stdout).toContain(`${expected.length} of ${expected.length} matched their expectation`);

      const bad = await execa('node', [cli, 'merge', join(dir, 'missing.json')], { reject: false });
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toContain('cannot read');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000); // two shards of the whole matrix, each starting its own stack
});
