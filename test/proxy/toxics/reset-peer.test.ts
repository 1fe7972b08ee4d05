import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetPeer } from '../../../src/proxy/toxics/reset-peer.js';
import { StageHarness } from './harness.js';

describe('reset_peer toxic', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('discards the first chunk and closes timeout ms later', () => {
    const h = new StageHarness(resetPeer, { timeout: 100 });
    vi.advanceTimersByTime(50);
    const first = Date.now();
    h.write('x');
    h.write('y');
    vi.advanceTimersByTime(99);
    expect(h.closedAt).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(h.closedAt! - first).toBe(100);
    expect(h.pushed).toHaveLength(0);
  });

  it('closes at once with timeout 0, also on end-of-stream', () => {
    const data = new StageHarness(resetPeer, { timeout: 0 });
    data.write('x');
    expect(data.closedAt).toBeDefined();
    const eof = new StageHarness(resetPeer, { timeout: 0 });
    eof.stage.end();
    expect(eof.closedAt).toBeDefined();
  });

  it('never resets an idle direction', () => {
    const h = new StageHarness(resetPeer, { timeout: 0 });
    vi.advanceTimersByTime(60_000);
    expect(h.closedAt).toBeUndefined();
  });

  it('cannot be cut short once the wait started, but stops with its link', () => {
    const flushed = new StageHarness(resetPeer, { timeout: 100 });
    flushed.write('x');
    flushed.stage.flush();
    vi.advanceTimersByTime(100);
    expect(flushed.closedAt).toBeDefined();
    const stopped = new StageHarness(resetPeer, { timeout: 100 });
    stopped.write('x');
    stopped.stage.stop();
    vi.advanceTimersByTime(100);
    expect(stopped.closedAt).toBeUndefined();
  });

  it('asks for SO_LINGER 0 on connections accepted while it is present', () => {
    expect(resetPeer.lingerZero).toBe(true);
  });
});
