import { bankChecker } from '../../src/checkers/bank.js';
import { stalenessChecker } from '../../src/checkers/staleness.js';
import type { Scenario } from '../../src/runner/scenario.js';
import { paymentDoubleSpend } from '../payment-double-spend.js';

/** What the payment-double-spend windows share: Alice's 5000 yen, cached, and the crash workload. */
export const account = 'account:alice';

export const paymentWindow: Pick<Scenario, 'setup' | 'checkers' | 'stalenessBudgetMs' | 'workload'> = {
  setup: { records: { [account]: 5000 }, cached: [account] },
  /** p1 is cut short by the scenario's fault; a new app (empty memory) serves p2 and a balance check. */
  async workload(ctx) {
    await ctx.invoke('alice', 'p1', { kind: 'debit', key: account, amount: 1000 });
    await ctx.restartApp();
    await ctx.invoke('alice', 'p2', { kind: 'debit', key: account, amount: 5000 });
    await ctx.invoke('alice', 'r1', { kind: 'read', key: account });
  },
  checkers: [bankChecker, stalenessChecker],
  stalenessBudgetMs: 60_000,
};

/** The payment contract (tables, cache, operations) with this window's fault points. */
export const windowContract = (points: Scenario['contract']['points']): Scenario['contract'] => ({
  ...paymentDoubleSpend.contract,
  points,
  workloadFaults: [],
});

