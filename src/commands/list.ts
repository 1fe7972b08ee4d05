import { scenarios } from '../../scenarios/index.js';
import { describeFault } from '../runner/scenario.js';

export interface ScenarioListing {
  name: string;
  summary: string;
  strategies: string[];
  faults: string[];
}

/** `cachelab list`: every scenario with the strategies it runs and the faults it injects. */
export function listScenarios(): ScenarioListing[] {
  return scenarios.map((s) => ({
    name: s.name,
    summary: s.summary,
    strategies: Object.keys(s.strategies),
    faults: s.faults.flatMap((rule) => rule.inject.map((f) => `${describeFault(f)} at ${rule.point} (${rule.op})`)),
  }));
}
