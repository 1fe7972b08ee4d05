import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { timeout } from '../../../src/proxy/toxics/timeout.js';
import { StageHarness } from './harness.js';

describe('timeout toxic', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('discards data and closes after timeout ms counted from its start', () => {
    const h = new StageHarness(timeout, { timeout: 100 });
    const start = Date.now();
    h.write('dropped');
    vi.advanceTimersByTime(100);
    expect(h.pushed).toHaveLength(0);
    expect(h.closedAt! - start).toBe(100);
  });

  it('restarts the silence on every discarded chunk, so a chatty peer is never closed', () => {
    const h = new StageHarness(timeout, { timeout: 100 });
    const start = Date.now();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(90);
      h.write('x');
    }
    expect(h.closedAt).toBeUndefined();
    vi.advanceTimersByTime(100);
    expect(h.closedAt! - start).toBe(1900);
    expect(h.pushed).toHaveLength(0);
  });

  it('never closes with timeout 0', () => {
    const h = new StageHarness(timeout, { timeout: 0 });
    h.write('x');
    vi.advanceTimersByTime(3_600_000);
    expect(h.closedAt).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes on end-of-stream, and cancels its timer when flushed', () => {
    const ended = new StageHarness(timeout, { timeout: 100 });
    ended.stage.end();
    expect(ended.closedAt).toBeDefined();
    const flushed = new StageHarness(timeout, { timeout: 100 });
    flushed.stage.flush();
    vi.advanceTimersByTime(200);
    expect(flushed.closedAt).toBeUndefined();
  });

  it('is declared to close its links when removed', () => {
    expect(timeout.closesLinkOnRemove).toBe(true);
  });
});
