import { describe, expect, it } from 'vitest';
import type { CompletedOp } from '../../src/history/history.js';
import type { TimelineEntry } from '../../src/runner/result.js';
import { clientLanes, instantEvents, niceTicks, packRows, pairWindows, timeDomain, timeScale, valueTracks } from '../../src/report/html-layout.js';

const op = (id: string, client: string, invokedAt: number, completedAt: number, extra: Partial<CompletedOp> = {}): CompletedOp => ({
  id,
  client,
  op: { kind: 'read', key: 'k' },
  invokedAt,
  completedAt,
  outcome: 'ok',
  ...extra,
});

const start = (at: number, id: number, kind: 'network' | 'process' | 'hold' = 'network'): TimelineEntry => ({ at, event: `start ${id}`, window: { id, edge: 'start', kind } });
const end = (at: number, id: number, kind: 'network' | 'process' | 'hold' = 'network'): TimelineEntry => ({ at, event: `end ${id}`, window: { id, edge: 'end', kind } });

describe('the time scale', () => {
  it('maps the start to the left edge, the end to the right edge, and times in between linearly', () => {
    const scale = timeScale(200, 600, 150, 950);
    expect([scale.x(200), scale.x(400), scale.x(600), scale.x(700)]).toEqual([150, 550, 950, 1150]);
  });

  it('keeps a zero-length range drawable: one ms wide', () => {
    const scale = timeScale(50, 50, 0, 100);
    expect([scale.end, scale.x(50), scale.x(51)]).toEqual([51, 0, 100]);
  });

  it('ticks at round multiples of 1, 2 or 5 inside the range, without float noise', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(487.3, 612.9, 8)).toEqual([500, 520, 540, 560, 580, 600]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(903, 1251, 8)).toEqual([950, 1000, 1050, 1100, 1150, 1200, 1250]);
    expect(niceTicks(5, 5, 8)).toEqual([]);
  });

  it('covers every op, fault entry and the final snapshot, padded, and never starts before 0', () => {
    const result = { history: [op('r1', 'a', 300, 310)], timeline: [{ at: 305, event: 'x' }], finalAt: 400 };
    expect(timeDomain(result)).toEqual([297, 403]);
    expect(timeDomain({ history: [op('r1', 'a', 0.5, 10)], timeline: [], finalAt: 0 })).toEqual([0, 11]);
    expect(timeDomain({ history: [], timeline: [], finalAt: 0 })).toEqual([0, 1]);
  });
});

describe('lanes', () => {
  it('puts each interval in the lowest row free at its start, touching ones side by side', () => {
    const rows = packRows([
      { from: 0, to: 10 },
      { from: 5, to: 8 },
      { from: 10, to: 20 },
      { from: 9, to: 12 },
    ]);
    expect(rows).toEqual([0, 1, 0, 1]);
    expect(packRows([{ from: 0, to: 10 }, { from: 12, to: 14 }], 4)).toEqual([0, 1]);
  });

  it('gives each client a lane in order of first appearance, with overlapping ops of one client one under the other', () => {
    const scale = timeScale(0, 100, 0, 1000);
    const lanes = clientLanes([op('a1', 'alice', 0, 50), op('b1', 'bob', 10, 20), op('a2', 'alice', 40, 60), op('a3', 'alice', 60, 70)], scale, 3);
    expect(lanes.map((l) => [l.client, l.rows])).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
    expect(lanes[0]?.bars.map((b) => [b.op.id, b.row, b.x, b.width])).toEqual([
      ['a1', 0, 0, 500],
      ['a2', 1, 400, 200],
      ['a3', 0, 600, 100],
    ]);
  });

  it('draws an op shorter than the minimum width at the minimum width, so every op is seen', () => {
    const lanes = clientLanes([op('r1', 'c', 10, 10.1), op('r2', 'c', 10.2, 10.3)], timeScale(0, 1000, 0, 1000), 3);
    expect(lanes[0]?.bars.map((b) => [b.width, b.row])).toEqual([
      [3, 0],
      [3, 1],
    ]);
  });
});

describe('fault windows', () => {
  it('pairs each start with the end of the same window, interleaved windows included', () => {
    const windows = pairWindows([start(10, 1), start(12, 2, 'process'), end(20, 1), end(30, 2, 'process')], 100);
    expect(windows.map((w) => [w.id, w.kind, w.start, w.end, w.open])).toEqual([
      [1, 'network', 10, 20, false],
      [2, 'process', 12, 30, false],
    ]);
    expect(windows[0]?.endEvent).toBe('end 1');
  });

  it('keeps a window never closed open until the end of the run', () => {
    const windows = pairWindows([start(10, 1), end(20, 1), start(40, 2, 'process')], 95);
    expect(windows.map((w) => [w.id, w.start, w.end, w.open])).toEqual([
      [1, 10, 20, false],
      [2, 40, 95, true],
    ]);
    expect(windows[1]?.endEvent).toBeUndefined();
  });

  it('carries the fault point that fired a window, and leaves events that open nothing as instants', () => {
    const fired: TimelineEntry = { ...start(10, 1), trigger: 'after-db-commit (p1)', point: { op: 'p1', name: 'after-db-commit' } };
    const restartedUnkilled: TimelineEntry = { at: 50, event: 'app restarted', window: { id: 9, edge: 'end', kind: 'process' } };
    const timeline = [fired, end(20, 1), { at: 30, event: 'note' }, restartedUnkilled];
    expect(pairWindows(timeline, 60).map((w) => [w.id, w.point?.name, w.trigger])).toEqual([[1, 'after-db-commit', 'after-db-commit (p1)']]);
    expect(instantEvents(timeline).map((e) => e.event)).toEqual(['note', 'app restarted']);
  });
});

describe('value tracks', () => {
  it('shows each store at the setup and in the final snapshot, and every acknowledged answer on the key', () => {
    const tracks = valueTracks(
      {
        initial: { db: { 'account:alice': 5000 }, cache: { 'account:alice': '5000' } },
        diff: [{ key: 'account:alice', db: '4000', cache: '5000', ttlMs: null, status: 'stale' }],
        finalAt: 500,
        history: [
          op('p1', 'alice', 100, 140, { op: { kind: 'debit', key: 'account:alice', amount: 1000 }, value: 4000 }),
          op('p2', 'alice', 150, 160, { op: { kind: 'debit', key: 'account:alice', amount: 5000 }, outcome: 'fail', error: 'declined' }),
          op('r1', 'alice', 170, 175, { op: { kind: 'read', key: 'account:alice' }, value: 5000 }),
        ],
      },
      90,
    );
    expect(tracks.map((t) => [t.store, t.points.map((p) => [p.at, p.value, p.source])])).toEqual([
      ['database', [[90, '5000', 'setup'], [500, '4000', 'final snapshot']]],
      ['cache', [[90, '5000', 'setup'], [500, '5000', 'final snapshot']]],
      ['answers', [[140, '4000', 'p1 answered'], [175, '5000', 'r1 answered']]],
    ]);
  });

  it('shows a key absent from a store as no value', () => {
    const tracks = valueTracks(
      { initial: { db: { 'price:book': 100 }, cache: {} }, diff: [{ key: 'price:book', db: '150', cache: null, ttlMs: null, status: 'missing-in-cache' }], finalAt: 9, history: [] },
      0,
    );
    expect(tracks.map((t) => [t.store, t.points.map((p) => p.value)])).toEqual([
      ['database', ['100', '150']],
      ['cache', [null, null]],
    ]);
  });
});
