import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Imports point down: cli, module-api -> commands -> scenarios/report/bench -> runner -> app ->
 * strategies/checkers/stack -> drivers -> history. A folder may import its own files and lower folders only, never one at
 * its level or above, not even for a type (move the type down instead).
 */
const layer: Record<string, number> = {
  history: 0,
  errors: 0,
  proxy: 1, // its own process; speaks to nothing of the lab but the error class
  drivers: 1,
  strategies: 2,
  checkers: 2,
  stack: 2,
  app: 3,
  runner: 4,
  scenarios: 5, // top-level scenarios/: data plus workloads, run by the runner
  report: 5,
  bench: 5,
  commands: 6,
  cli: 7,
  // src/module-api.ts, the package's entry for strategy-module authors (types and defineStrategy):
  // a facade over strategies/ that nothing in the lab imports.
  'module-api': 8,
};

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** "runner" for src/runner/x.ts, "errors" for src/errors.ts, "scenarios" for scenarios/x.ts. */
function roleOf(file: string): string {
  const [top, second] = relative(root, file).split('/');
  return (top === 'src' ? second! : top!).replace(/\.[jt]s$/, '');
}

describe('layering', () => {
  it('knows every folder under src', () => {
    const roles = [...new Set(files(src).map(roleOf))].sort();
    expect(roles.filter((role) => layer[role] === undefined)).toEqual([]);
  });

  it('has no import that points up or sideways', () => {
    const upward: string[] = [];
    for (const file of [...files(src), ...files(join(root, 'scenarios'))]) {
      const from = roleOf(file);
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const to = roleOf(join(file, '..', target!));
        if (to !== from && (layer[to] ?? Infinity) >= (layer[from] ?? -1)) upward.push(`${relative(root, file)} imports ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
