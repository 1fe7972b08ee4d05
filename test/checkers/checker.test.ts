import { describe, expect, it } from 'vitest';
import { runCheckers, worst, type Checker } from '../../src/checkers/checker.js';
import { bankChecker } from '../../src/checkers/bank.js';
import { naiveWriteThrough } from './payment-fixtures.js';

describe('worst', () => {
  it('is consistent when there is nothing to judge', () => {
    expect(worst([])).toBe('consistent');
  });

  it('lets unknown beat consistent', () => {
    expect(worst(['consistent', 'unknown', 'consistent'])).toBe('unknown');
  });

  it('lets inconsistent beat unknown, wherever it appears', () => {
    expect(worst(['inconsistent', 'unknown'])).toBe('inconsistent');
    expect(worst(['unknown', 'consistent', 'inconsistent'])).toBe('inconsistent');
  });
});

describe('runCheckers', () => {
  const crashing: Checker = {
    name: 'crashing',
    check: () => {
      throw new Error('ledger table missing');
    },
  };

  it('turns a checker that throws into an unknown result and still runs the others', () => {
    const results = runCheckers([crashing, bankChecker], naiveWriteThrough());

    expect(results).toHaveLength(2);
    expect(results[0]).toEqual({
      checker: 'crashing',
      verdict: 'unknown',
      findings: ['checker crashed: ledger table missing'],
      figures: {},
    });
    expect(results[1]?.checker).toBe('bank');
    expect(results[1]?.verdict).toBe('inconsistent');
  });

  it('reports a thrown non-error value as text', () => {
    const throwsString: Checker = {
      name: 'odd',
      check: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
        throw 'no snapshot';
      },
    };

    expect(runCheckers([throwsString], naiveWriteThrough())[0]?.findings).toEqual(['checker crashed: no snapshot']);
  });
});
