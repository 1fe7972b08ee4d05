import { describe, expect, it } from 'vitest';
import { limitData, type LimitDataState } from '../../../src/proxy/toxics/limit-data.js';
import { StageHarness } from './harness.js';

describe('limit_data toxic', () => {
  it('forwards less than the limit without closing', () => {
    const h = new StageHarness(limitData, { bytes: 10 });
    h.write('12345');
    expect(h.output().toString()).toBe('12345');
    expect(h.closedAt).toBeUndefined();
  });

  it('closes right after a chunk that reaches the limit exactly', () => {
    const h = new StageHarness(limitData, { bytes: 10 });
    h.write('12345');
    h.write('67890');
    expect(h.output().toString()).toBe('1234567890');
    expect(h.closedAt).toBeDefined();
  });

  it('cuts the chunk that crosses the limit to fit, then closes', () => {
    const h = new StageHarness(limitData, { bytes: 7 });
    h.write('12345');
    h.write('67890');
    h.write('more');
    expect(h.output().toString()).toBe('1234567');
    expect(h.closedAt).toBeDefined();
  });

  it('forwards nothing with limit 0, closing on the first chunk but not before', () => {
    const h = new StageHarness(limitData, { bytes: 0 });
    expect(h.closedAt).toBeUndefined();
    h.write('x');
    expect(h.pushed).toHaveLength(0);
    expect(h.closedAt).toBeDefined();
  });

  it('keeps its count across restarts (the state belongs to the link)', () => {
    const state: LimitDataState = { transmitted: 0 };
    const first = new StageHarness(limitData, { bytes: 8 }, state);
    first.write('12345');
    first.stage.flush();
    const second = new StageHarness(limitData, { bytes: 8 }, state);
    second.write('67890');
    expect(second.output().toString()).toBe('678');
    expect(second.closedAt).toBeDefined();
    // Raising the limit on the same link lets more through.
    const raised = new StageHarness(limitData, { bytes: 12 }, state);
    raised.write('abcdef');
    expect(raised.output().toString()).toBe('abcd');
  });
});
