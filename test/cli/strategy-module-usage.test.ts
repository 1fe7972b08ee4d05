import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../../bin/cachelab.js');
const env = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };
let dir: string;

/** Module files, each wrong in one way. */
const modules: Record<string, string> = {
  'syntax.mjs': 'export default { name: "x", create() { return { read() {} }; } ',
  'named.mjs': 'export const name = "x"; export function create() { return {}; }',
  'function.mjs': 'export default function create() { return {}; }',
  'nameless.mjs': 'export default { create: () => ({ read: () => 1 }) };',
  'no-create.mjs': 'export default { name: "x", read: () => 1 };',
  'typo.mjs': 'export default { name: "x", ttl: 30000, create: () => ({ read: () => 1 }) };',
  'bad-ttl.mjs': 'export default { name: "x", cacheTtlMs: -5, create: () => ({ read: () => 1 }) };',
  'clash.mjs': 'export default { name: "write-through", create: () => ({ read: () => 1, debit: () => 1 }) };',
  'twin-a.mjs': 'export default { name: "twin", create: () => ({ read: () => 1, debit: () => 1 }) };',
  'twin-b.mjs': 'export default { name: "twin", create: () => ({ read: () => 1, debit: () => 1 }) };',
  'read-only.mjs': 'export default { name: "reader", create: () => ({ read: () => 1, write: () => 1 }) };',
  'returns-nothing.mjs': 'export default { name: "x", create() {} };',
  'debit-only.mjs': 'export default { name: "debitor", create: () => ({ debit: () => 1 }) };',
  'not-a-method.mjs': 'export default { name: "x", create: () => ({ read: () => 1, debit: 5 }) };',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cachelab-modules-'));
  await Promise.all(Object.entries(modules).map(([file, text]) => writeFile(join(dir, file), text)));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => execa('node', [cli, 'run', 'payment-double-spend', ...args], { env, reject: false, timeout: 30_000 });
const withModule = (...files: string[]) => run(...files.flatMap((f) => ['--strategy-module', join(dir, f)]));

describe('a strategy module the lab cannot use', () => {
  it('is exit 2 before any stack starts, naming the file and what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['missing.mjs'], /missing\.mjs: no such file/],
      [['syntax.mjs'], /syntax\.mjs: it failed to load: SyntaxError/],
      [['named.mjs'], /named\.mjs: it has no default export \(it exports create, name\)/],
      [['function.mjs'], /function\.mjs: its default export is a function, not a strategy object/],
      [['nameless.mjs'], /nameless\.mjs: its default export lacks a name: none given/],
      [['no-create.mjs'], /no-create\.mjs: its default export has "read", which a strategy does not/],
      [['typo.mjs'], /typo\.mjs: its default export has "ttl", which a strategy does not \(it has name, summary, cacheTtlMs, create\)/],
      [['bad-ttl.mjs'], /bad-ttl\.mjs: cacheTtlMs is number -5/],
      [['clash.mjs'], /clash\.mjs: its name "write-through" is the name of a built-in strategy/],
      [['twin-a.mjs', 'twin-b.mjs'], /twin-b\.mjs: its name "twin" is also the name of \S+twin-a\.mjs/],
      [['read-only.mjs'], /reader does not implement debit\(\), which payment-double-spend calls \(it has read\(\), write\(\); payment-double-spend calls debit, read\)/],
      [['returns-nothing.mjs'], /strategy module x: create\(\) returned undefined/],
      [['not-a-method.mjs'], /create\(\) returned debit as number 5, not a method/],
    ];
    const results = await Promise.all(cases.map(([files]) => withModule(...files)));
    results.forEach((r, i) => {
      const [files, message] = cases[i]!;
      expect([files, r.exitCode], r.stderr).toEqual([files, 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('starting Redis');
    });
  });

  it('is exit 2 for --expect without a module, and for a verdict that does not exist', async () => {
    const [alone, bogus] = await Promise.all([run('--expect', 'inconsistent'), withModule('read-only.mjs').then(() => run('--expect', 'broken'))]);
    expect([alone.exitCode, bogus.exitCode]).toEqual([2, 2]);
    expect(alone.stderr).toContain('--expect sets what a --strategy-module is expected to get');
    expect(bogus.stderr).toMatch(/Allowed choices are consistent, inconsistent, unknown/);
  });

  it('is exit 2 with --all (matrix) only when the module serves none of the scenarios', async () => {
    const r = await execa('node', [cli, 'matrix', '--strategy-module', join(dir, 'debit-only.mjs')], { env, reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/debitor does not implement read\(\), which payment-double-spend calls \(it has debit\(\)/);
  });
});
