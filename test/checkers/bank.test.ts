import { describe, expect, it } from 'vitest';
import { bankChecker } from '../../src/checkers/bank.js';
import {
  ALICE,
  applied,
  boundedDisplay,
  debit,
  input,
  naiveWriteThrough,
  staleForever,
} from './payment-fixtures.js';

describe('bank checker', () => {
  it('reports 1000 yen spent twice and a failed payment the database applied after naive write-through', () => {
    const result = bankChecker.check(naiveWriteThrough());

    expect(result.checker).toBe('bank');
    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toEqual({
      spentTwice: 1000,
      applied: 6000,
      initial: 5000,
      final: 0,
      failedButApplied: 1,
      okButMissing: 0,
      duplicates: 0,
      unknownApplied: 0,
    });
    expect(result.findings).toEqual([
      `${ALICE}: 6000 applied against a balance of 5000: 1000 spent twice`,
      `${ALICE}: initial 5000 - applied 6000 = -1000, but the database holds 0 (off by 1000)`,
      'p1 was reported failed but the database applied it (1000 from account:alice)',
    ]);
  });

  it('finds nothing wrong with the balance when only the cache is stale', () => {
    const result = bankChecker.check(staleForever());

    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ spentTwice: 0, applied: 1000, initial: 5000, final: 4000 });
  });

  it('accepts the display-only remedy, where the declined payment left no ledger row', () => {
    const result = bankChecker.check(boundedDisplay());

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ failedButApplied: 0, okButMissing: 0 });
  });

  it('flags a payment id applied twice even when the balance adds up', () => {
    const result = bankChecker.check(
      input({
        history: [debit('p1', 1000, 'ok', 4000)],
        final: { db: { [ALICE]: 3000 }, ledger: [applied('p1', 1000), applied('p1', 1000)] },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ duplicates: 1, spentTwice: 0, applied: 2000, final: 3000 });
    expect(result.findings).toEqual(['p1 applied 2 times on account:alice: 2000 debited in total']);
  });

  it('flags a payment reported ok that the ledger does not hold', () => {
    const result = bankChecker.check(input({ history: [debit('p1', 1000, 'ok', 4000)] }));

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ okButMissing: 1, failedButApplied: 0, applied: 0 });
    expect(result.findings).toEqual([
      'p1 was reported ok but the database has no applied debit for it (1000 from account:alice)',
    ]);
  });

  it('flags a payment reported ok that a saga then compensated', () => {
    const result = bankChecker.check(
      input({ history: [debit('p1', 1000, 'ok', 4000)], final: { ledger: [applied('p1', 1000, 'compensated')] } }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ okButMissing: 1 });
    expect(result.findings).toEqual(['p1 was reported ok but the database compensated it (1000 refunded to account:alice)']);
  });

  it('treats a compensated row of a failed payment as not applied', () => {
    const result = bankChecker.check(
      input({ history: [debit('p1', 1000, 'fail')], final: { ledger: [applied('p1', 1000, 'compensated')] } }),
    );

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ failedButApplied: 0, applied: 0, final: 5000 });
  });

  it('flags a payment the app declined but the database applied', () => {
    const result = bankChecker.check(
      input({
        history: [debit('p1', 1000, 'ok', 'declined')],
        final: { db: { [ALICE]: 4000 }, ledger: [applied('p1', 1000)] },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ failedButApplied: 1 });
    expect(result.findings).toEqual(['p1 was reported declined but the database applied it (1000 from account:alice)']);
  });

  it('mentions an unknown payment the database applied without calling it a violation', () => {
    const result = bankChecker.check(
      input({
        history: [debit('p3', 1000, 'unknown')],
        final: { db: { [ALICE]: 4000 }, ledger: [applied('p3', 1000)] },
      }),
    );

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ unknownApplied: 1 });
    expect(result.findings).toEqual(['p3 outcome unknown: the database applied it (1000 from account:alice)']);
  });

  it('says nothing about an unknown payment the database did not apply', () => {
    const result = bankChecker.check(input({ history: [debit('p3', 1000, 'unknown')] }));

    expect(result.verdict).toBe('consistent');
    expect(result.findings).toEqual([]);
    expect(result.figures).toMatchObject({ unknownApplied: 0 });
  });

  it('flags a balance below zero even when it equals initial minus applied', () => {
    const result = bankChecker.check(
      input({
        history: [debit('p1', 6000, 'ok', -1000)],
        final: { db: { [ALICE]: -1000 }, ledger: [applied('p1', 6000)] },
      }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.figures).toMatchObject({ spentTwice: 1000, final: -1000 });
    expect(result.findings).toContain(`${ALICE}: balance -1000 is below zero`);
  });

  it('flags an account whose balance row is gone from the database', () => {
    const result = bankChecker.check(
      input({ history: [debit('p1', 1000, 'ok', 4000)], final: { db: {}, ledger: [applied('p1', 1000)] } }),
    );

    expect(result.verdict).toBe('inconsistent');
    expect(result.findings).toEqual([`${ALICE}: the database has no balance; expected 4000 (5000 - 1000 applied)`]);
  });

  it('leaves accounts without debits out of the figures', () => {
    const result = bankChecker.check(
      input({
        history: [debit('p1', 1000, 'ok', 4000)],
        initial: { db: { [ALICE]: 5000, 'account:bob': 700 } },
        final: { db: { [ALICE]: 4000, 'account:bob': 700 }, ledger: [applied('p1', 1000)] },
      }),
    );

    expect(result.verdict).toBe('consistent');
    expect(result.figures).toMatchObject({ initial: 5000, final: 4000 });
  });
});
