import { scenarios } from '../../scenarios/index.js';
import type { ContractListing } from '../report/contract.js';
import { describeFault, type Scenario } from '../runner/scenario.js';

export interface ScenarioListing {
  name: string;
  summary: string;
  strategies: string[];
  faults: string[];
  /** What a user's strategy module must do for the checkers to judge it. */
  contract: ContractListing;
  /** The suite it belongs to: not in the default matrix (`--include <suite>` or its name runs it). */
  suite?: string;
  /** App processes it runs (when more than one). */
  apps?: number;
  /** What the stack must provide beyond Redis and PostgreSQL (extra servers, kills); skipped without it. */
  needs?: string[];
}

/** `cachelab list`: every scenario with the strategies it runs, the faults it injects, and its data contract. */
export function listScenarios(): ScenarioListing[] {
  return scenarios.map((s) => ({
    name: s.name,
    summary: s.summary,
    strategies: Object.keys(s.strategies),
    // Faults at fault points, then those the workload injects itself whatever the strategy does.
    faults: [
      ...s.faults.flatMap((rule) => rule.inject.map((f) => `${describeFault(f)} at ${rule.point} (${rule.op})`)),
      ...s.contract.workloadFaults,
    ],
    contract: contractOf(s),
    ...(s.suite === undefined ? {} : { suite: s.suite }),
    ...((s.apps ?? 1) > 1 ? { apps: s.apps } : {}),
    ...((s.needs ?? []).length > 0 ? { needs: s.needs } : {}),
  }));
}

/** The contract with each point's faults spelled out: which op it is armed for, and what happens. */
export function contractOf(s: Scenario): ContractListing {
  const c = s.contract;
  const armed = (point: string): string[] => [
    ...s.faults
      .filter((rule) => rule.point === point)
      .map((rule) => {
        const network = rule.inject.some((f) => f.kind === 'toxic' || f.kind === 'link-down');
        const lasts = !network ? '' : rule.until === 'heal' ? ' until the heal phase' : `, until ${rule.op} completes`;
        return `armed for ${rule.op}: ${rule.inject.map(describeFault).join(', ')}${lasts}`;
      }),
    ...s.faults.flatMap((rule) =>
      rule.inject.flatMap((f) => (f.kind === 'hold-until' && f.point === point ? [`${rule.op}'s hold waits until ${f.op} reaches it`] : [])),
    ),
  ];
  return {
    tables: c.tables,
    cache: c.cache,
    operations: Object.entries(c.operations).map(([method, does]) => ({ method: `${method}(${argumentsOf(method)})`, does })),
    points: Object.entries(c.points).map(([point, where]) => ({ point, where, armed: armed(point) })),
    workloadFaults: c.workloadFaults,
    needs: s.needs ?? [],
  };
}

function argumentsOf(method: string): string {
  const args: Record<string, string> = { read: 'key, op', debit: 'key, amount, op', write: 'key, value, op', add: 'key, item, op', order: 'key, op' };
  return args[method] ?? 'key, op';
}
