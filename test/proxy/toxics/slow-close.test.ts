import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { slowClose } from '../../../src/proxy/toxics/slow-close.js';
import { StageHarness } from './harness.js';

describe('slow_close toxic', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('passes data at once and delays the close by delay ms', () => {
    const h = new StageHarness(slowClose, { delay: 300 });
    const start = Date.now();
    h.write('abc');
    expect(h.output().toString()).toBe('abc');
    h.stage.end();
    vi.advanceTimersByTime(299);
    expect(h.closedAt).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(h.closedAt! - start).toBe(300);
  });

  it('cancels the wait when flushed, leaving the close to whatever replaces it', () => {
    const h = new StageHarness(slowClose, { delay: 300 });
    h.stage.end();
    vi.advanceTimersByTime(100);
    h.stage.flush();
    expect(vi.getTimerCount()).toBe(0);
    expect(h.closedAt).toBeUndefined();
  });
});
