import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latency } from '../../../src/proxy/toxics/latency.js';
import { StageHarness } from './harness.js';

describe('latency toxic', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('holds a chunk for exactly the latency', () => {
    const h = new StageHarness(latency, { latency: 100, jitter: 0 });
    const start = Date.now();
    h.write('x');
    vi.advanceTimersByTime(99);
    expect(h.pushed).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(h.pushed.map((p) => p.at - start)).toEqual([100]);
  });

  it('counts the delay from arrival, so a steady stream keeps its throughput', () => {
    const h = new StageHarness(latency, { latency: 100, jitter: 0 });
    const start = Date.now();
    for (let i = 0; i < 1000; i++) {
      h.write('x');
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    // 1000 chunks 1 ms apart leave 1 ms apart, each 100 ms after it came: no pile-up.
    expect(h.pushed).toHaveLength(1000);
    expect(h.pushed.every((p, i) => p.at - start === i + 100)).toBe(true);
  });

  it('releases a chunk that arrived earlier sooner (the delay is from its arrival time)', () => {
    const h = new StageHarness(latency, { latency: 100, jitter: 0 });
    const start = Date.now();
    h.write('x', 40);
    vi.advanceTimersByTime(100);
    expect(h.pushed.map((p) => p.at - start)).toEqual([60]);
  });

  it('draws each delay from [latency - jitter, latency + jitter) and keeps the order', () => {
    const h = new StageHarness(latency, { latency: 100, jitter: 50 });
    const start = Date.now();
    for (let i = 0; i < 200; i++) h.write(String.fromCharCode(65 + (i % 26)));
    vi.advanceTimersByTime(200);
    expect(h.pushed).toHaveLength(200);
    const stamps = h.pushed.map((p) => p.arrivedAt - start);
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...stamps)).toBeLessThan(150);
    expect(new Set(stamps).size).toBeGreaterThan(20);
    expect(h.output().toString()).toBe(Array.from({ length: 200 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(''));
    // A later chunk never overtakes an earlier one, even when it drew a shorter delay.
    const times = h.pushed.map((p) => p.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('treats a negative draw (jitter above latency) as no delay', () => {
    const h = new StageHarness(latency, { latency: 0, jitter: 100 });
    for (let i = 0; i < 50; i++) h.write('x');
    vi.advanceTimersByTime(100);
    expect(h.pushed).toHaveLength(50);
    expect(h.pushed.some((p) => p.at === p.arrivedAt)).toBe(true);
  });

  it('stamps chunks with their due time, so two chained latencies add up', () => {
    const first = new StageHarness(latency, { latency: 500, jitter: 0 });
    const second = new StageHarness(latency, { latency: 500, jitter: 0 });
    const start = Date.now();
    first.write('x');
    vi.advanceTimersByTime(500);
    const chunk = first.pushed[0];
    expect(chunk).toBeDefined();
    second.stage.write({ data: chunk!.data, arrivedAt: chunk!.arrivedAt });
    vi.advanceTimersByTime(500);
    expect(second.pushed.map((p) => p.at - start)).toEqual([1000]);
  });

  it('passes everything held on at once when flushed, leaving a waiting end-of-stream to the link', () => {
    const h = new StageHarness(latency, { latency: 1000, jitter: 0 });
    h.write('a');
    h.write('b');
    h.stage.end();
    expect(h.stage.pendingBytes?.()).toBe(2);
    h.stage.flush();
    expect(h.output().toString()).toBe('ab');
    expect(h.stage.pendingBytes?.()).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(h.pushed).toHaveLength(2);
    expect(h.closedAt).toBeUndefined();
  });

  it('closes only after the held chunks went out', () => {
    const h = new StageHarness(latency, { latency: 100, jitter: 0 });
    h.write('a');
    h.stage.end();
    vi.advanceTimersByTime(99);
    expect(h.closedAt).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(h.output().toString()).toBe('a');
    expect(h.closedAt).toBeDefined();
  });

  it('drops what it holds when stopped', () => {
    const h = new StageHarness(latency, { latency: 100, jitter: 0 });
    h.write('a');
    h.stage.stop();
    vi.advanceTimersByTime(200);
    expect(h.pushed).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
