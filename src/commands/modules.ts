import { inspectStrategyModule } from '../app/strategy-module.js';
import type { Verdict } from '../checkers/checker.js';
import { usageError } from '../errors.js';
import type { Scenario } from '../runner/scenario.js';
import { missingOperations, operationsCalled, type ModuleRun } from '../runner/strategy-plan.js';
import { strategies } from '../strategies/index.js';

/**
 * `--strategy-module <file>` (repeatable) and `--expect`: imports each module in this process and
 * checks it before any stack starts, so a bad module is a usage error (exit 2) naming what is wrong.
 */
export async function loadModules(files: string[], expect: Verdict | undefined, log: (line: string) => void): Promise<ModuleRun[]> {
  if (expect !== undefined && files.length === 0) {
    throw usageError('--expect sets what a --strategy-module is expected to get, and no --strategy-module was given', 'add --strategy-module <file>, or drop --expect');
  }
  const modules: ModuleRun[] = [];
  for (const file of files) {
    const info = await inspectStrategyModule(file);
    if (strategies[info.name]) {
      throw usageError(`--strategy-module ${file}: its name "${info.name}" is the name of a built-in strategy`, `name it something of your own; built-ins: ${Object.keys(strategies).join(', ')}`);
    }
    const twin = modules.find((m) => m.name === info.name);
    if (twin) throw usageError(`--strategy-module ${file}: its name "${info.name}" is also the name of ${twin.path}`, 'give each module a name of its own: reports tell them apart by it');
    if (info.probeError) log(`${info.name}: ${info.probeError}; its methods are not known yet, so it runs in every scenario chosen`);
    modules.push({ ...info, expect: expect ?? 'consistent', expectGiven: expect !== undefined });
  }
  return modules;
}

/**
 * The strategies each chosen scenario runs when modules are given: the modules, plus the built-ins
 * --strategy names. A scenario named on the command line that a module cannot serve (it lacks a
 * method the scenario calls) is a usage error; with --all it is listed as not applicable.
 */
export function withModules(
  selected: Scenario[],
  modules: ModuleRun[],
  named: string[],
  all: boolean,
): { scenario: Scenario; strategies: (string | ModuleRun)[] }[] {
  for (const module of modules) {
    const served = selected.filter((s) => missingOperations(s, module).length === 0);
    const lacking = all ? (served.length === 0 ? selected : []) : selected.filter((s) => !served.includes(s));
    const first = lacking[0];
    if (first === undefined) continue;
    const missing = missingOperations(first, module).map((op) => `${op}()`);
    throw usageError(
      `--strategy-module ${module.path}: ${module.name} does not implement ${missing.join(', ')}, which ${first.name} calls ` +
        `(it has ${(module.operations ?? []).map((op) => `${op}()`).join(', ')}; ${first.name} calls ${operationsCalled(first).join(', ')})`,
      'add the methods (cachelab list --verbose shows what each scenario calls), or name a scenario it serves',
    );
  }
  return selected.map((scenario) => ({
    scenario,
    strategies: [...Object.keys(scenario.strategies).filter((s) => named.includes(s)), ...modules],
  }));
}
