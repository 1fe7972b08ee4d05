/**
 * The package's entry (`import ... from 'cachelab'`), for authors of strategy modules: the types of
 * the contract and defineStrategy(). Nothing else: the lab itself is the `cachelab` command.
 */
import type { StrategyModule } from './strategies/module.js';

export type { FaultPoint } from './strategies/fault-points.js';
export type { Outcome } from './history/history.js';
export type {
  MethodResult,
  ModuleOp,
  ModuleOperation,
  StrategyMethods,
  StrategyModule,
  StrategyModuleDeps,
} from './strategies/module.js';

/**
 * Returns `strategy` as it is; its only job is to type-check it (and the methods create() returns)
 * in an editor: `export default defineStrategy({ name, create({ redis, db }) { ... } })`.
 */
export function defineStrategy(strategy: StrategyModule): StrategyModule {
  return strategy;
}
