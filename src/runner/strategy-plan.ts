import type { ModuleInfo } from '../app/strategy-module.js';
import type { Verdict } from '../checkers/checker.js';
import type { ModuleOperation } from '../strategies/module.js';
import { strategies } from '../strategies/index.js';
import type { StrategyResult } from './result.js';
import type { Expectation, Scenario } from './scenario.js';

/** A user's strategy module as a run takes it: what the lab learned of it, and the verdict expected. */
export interface ModuleRun extends ModuleInfo {
  expect: Verdict;
  /** The expectation came from --expect (else it is the default, consistent). */
  expectGiven?: boolean;
}

/** What the runner needs to know of the strategy it runs, built-in or module. */
export interface StrategyPlan {
  name: string;
  expectation: Expectation;
  cacheTtlMs: number;
  /** The cache only feeds display: stale keys are noted as display values (built-ins say; modules are not assumed to). */
  displayOnly: boolean;
  /** The module to serve instead of a built-in. */
  modulePath?: string;
  /** Operations the scenario calls that the module lacks (known from the lab's look at it): not applicable. */
  missing: ModuleOperation[];
}

/** The operations a scenario's workload calls, from its contract. */
export const operationsCalled = (scenario: Scenario): ModuleOperation[] => Object.keys(scenario.contract.operations) as ModuleOperation[];

/** Those the module does not implement; none when its methods are not known. */
export function missingOperations(scenario: Scenario, module: Pick<ModuleInfo, 'operations'>): ModuleOperation[] {
  if (!module.operations) return [];
  const has = module.operations;
  return operationsCalled(scenario).filter((op) => !has.includes(op));
}

export function planStrategy(scenario: Scenario, strategy: string | ModuleRun): StrategyPlan {
  if (typeof strategy !== 'string') {
    const why = strategy.expectGiven
      ? `expected ${strategy.expect} (--expect)`
      : 'a strategy module is expected to keep the scenario consistent (--expect overrides)';
    return {
      name: strategy.name,
      expectation: { expect: strategy.expect, why },
      cacheTtlMs: strategy.cacheTtlMs,
      displayOnly: false,
      modulePath: strategy.path,
      missing: missingOperations(scenario, strategy),
    };
  }
  const expectation = scenario.strategies[strategy];
  const definition = strategies[strategy];
  if (!expectation || !definition) throw new Error(`scenario ${scenario.name} does not run strategy ${strategy}`);
  return { name: strategy, expectation, cacheTtlMs: definition.cacheTtlMs, displayOnly: definition.cacheRole === 'display', missing: [] };
}

/** A result that could not run here, with the reason; it never matches its expectation. */
export function skippedResult(scenario: Scenario, plan: StrategyPlan, reason: string): StrategyResult {
  return {
    scenario: scenario.name,
    strategy: plan.name,
    verdict: 'skipped',
    expected: plan.expectation.expect,
    expectation: plan.expectation.why,
    matches: false,
    skipReason: reason,
    checks: [],
    diff: [],
    bookkeeping: [],
    impact: [],
    explanation: '',
    timeline: [],
    history: [],
    initial: { db: {}, cache: {} },
    finalAt: 0,
    durationMs: 0,
  };
}
