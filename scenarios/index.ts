import type { Scenario } from '../src/runner/scenario.js';
import { inventoryOversell } from './inventory-oversell.js';
import { paymentDoubleSpend } from './payment-double-spend.js';

/** Every scenario `cachelab list` shows, in the order the matrix runs them. */
export const scenarios: Scenario[] = [paymentDoubleSpend, inventoryOversell];
