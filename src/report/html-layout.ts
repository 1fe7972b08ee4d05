import type { CompletedOp } from '../history/history.js';
import type { FaultWindowKind, StrategyResult, TimelineEntry } from '../runner/result.js';

/*
 * The arithmetic of a timeline, apart from any markup: where in time the picture starts and ends,
 * where a time falls on the x axis, which row each bar takes, which entries of the fault timeline
 * open and close one window. Times are ms on the history's clock; x is in SVG user units.
 */

/** A linear map from a time range (ms) onto an x range (user units), with round tick times. */
export interface TimeScale {
  start: number;
  end: number;
  x0: number;
  x1: number;
  x(ms: number): number;
  ticks: number[];
}

/**
 * The times a result's picture covers: from its first event to its last (ops, fault entries, the
 * final snapshot), widened by `pad` of the span on each side, never before 0. A result with no
 * events covers [0, 1].
 */
export function timeDomain(result: Pick<StrategyResult, 'history' | 'timeline' | 'finalAt'>, pad = 0.03): [number, number] {
  const times = [
    ...result.history.flatMap((op) => [op.invokedAt, op.completedAt]),
    ...result.timeline.map((entry) => entry.at),
    ...(result.finalAt > 0 ? [result.finalAt] : []),
  ];
  if (times.length === 0) return [0, 1];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const margin = Math.max((last - first) * pad, 1);
  return [Math.max(0, first - margin), last + margin];
}

export function timeScale(start: number, end: number, x0: number, x1: number, maxTicks = 8): TimeScale {
  const span = end > start ? end - start : 1;
  const x = (ms: number): number => x0 + ((ms - start) / span) * (x1 - x0);
  return { start, end: start + span, x0, x1, x, ticks: niceTicks(start, start + span, maxTicks) };
}

/** Multiples of 1, 2 or 5 x 10^n inside [start, end], at most `maxTicks` of them. */
export function niceTicks(start: number, end: number, maxTicks: number): number[] {
  const span = end - start;
  if (!(span > 0) || maxTicks < 1) return [];
  const raw = span / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end + step * 1e-9; t += step) ticks.push(round(t, step));
  return ticks;
}

/** Removes float noise (0.30000000000000004) at the precision of the step. */
function round(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(value.toFixed(decimals));
}

/**
 * Puts intervals (x ranges) into rows so that none overlaps another in its row, each in the
 * lowest row free at its start, `gap` apart; returns each interval's row, in the input's order.
 */
export function packRows(intervals: readonly { from: number; to: number }[], gap = 0): number[] {
  const order = intervals.map((_, i) => i).sort((a, b) => intervals[a]!.from - intervals[b]!.from || a - b);
  const rowEnds: number[] = [];
  const rows: number[] = new Array<number>(intervals.length).fill(0);
  for (const i of order) {
    const { from, to } = intervals[i]!;
    let row = rowEnds.findIndex((endX) => endX + gap <= from);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = to;
    rows[i] = row;
  }
  return rows;
}

/** One op drawn as a bar: from invoke to completion, at least `minWidth` wide. */
export interface OpBar {
  op: CompletedOp;
  x: number;
  width: number;
  /** Row inside its client's lane: ops of one client that overlap go one under the other. */
  row: number;
}

export interface Lane {
  client: string;
  bars: OpBar[];
  rows: number;
}

/** One lane per client, in the order clients first appear in the history. */
export function clientLanes(history: readonly CompletedOp[], scale: TimeScale, minWidth: number): Lane[] {
  const clients = [...new Set(history.map((op) => op.client))];
  return clients.map((client) => {
    const ops = history.filter((op) => op.client === client);
    const extents = ops.map((op) => {
      const x = scale.x(op.invokedAt);
      return { from: x, to: Math.max(scale.x(op.completedAt), x + minWidth) };
    });
    const rows = packRows(extents);
    const bars = ops.map((op, i) => ({ op, x: extents[i]!.from, width: extents[i]!.to - extents[i]!.from, row: rows[i]! }));
    return { client, bars, rows: Math.max(1, ...rows.map((r) => r + 1)) };
  });
}

/** A fault that lasted: from the entry that started it to the one that ended it. */
export interface FaultWindow {
  id: number;
  kind: FaultWindowKind;
  start: number;
  end: number;
  /** Never closed: it lasted to the end of the run (`end` is then the run's end). */
  open: boolean;
  event: string;
  endEvent?: string;
  /** The op that reached an armed point and fired it, and the point. */
  point?: TimelineEntry['point'];
  trigger?: string;
}

/**
 * Pairs the timeline's window starts with their ends by window id. A start without an end stays
 * open until `runEnd`; an end without a start opened nothing and is left to `instantEvents`.
 */
export function pairWindows(timeline: readonly TimelineEntry[], runEnd: number): FaultWindow[] {
  const windows: FaultWindow[] = [];
  for (const entry of timeline) {
    if (entry.window?.edge !== 'start') continue;
    const { id, kind } = entry.window;
    const close = timeline.find((e) => e.window?.edge === 'end' && e.window.id === id && e.at >= entry.at);
    windows.push({
      id,
      kind,
      start: entry.at,
      end: close?.at ?? Math.max(runEnd, entry.at),
      open: close === undefined,
      event: entry.event,
      ...(close ? { endEvent: close.event } : {}),
      ...(entry.point ? { point: entry.point } : {}),
      ...(entry.trigger ? { trigger: entry.trigger } : {}),
    });
  }
  return windows;
}

/** Entries that are neither end of a window: a fault at one instant, or a restart no fault caused. */
export function instantEvents(timeline: readonly TimelineEntry[]): TimelineEntry[] {
  const starts = new Set(timeline.filter((e) => e.window?.edge === 'start').map((e) => e.window?.id));
  return timeline.filter((e) => e.window === undefined || (e.window.edge === 'end' && !starts.has(e.window.id)));
}

/** A value the run saw a store hold, or a client was answered, at a time. */
export interface ValuePoint {
  at: number;
  /** null: no value (the key was absent). */
  value: string | null;
  /** What showed it: "setup", "final snapshot", "p2 answered". */
  source: string;
}

export interface ValueTrack {
  key: string;
  store: 'database' | 'cache' | 'answers';
  points: ValuePoint[];
}

/**
 * Per key, what the history shows of its value: the database and the cache at the setup (at
 * `start`) and in the final snapshot (at finalAt), and what each acknowledged op on the key
 * answered in between (a read's value, a write's or a debit's result). Between those points the
 * stores were not observed.
 */
export function valueTracks(result: Pick<StrategyResult, 'history' | 'initial' | 'diff' | 'finalAt'>, start: number): ValueTrack[] {
  const keys = [...new Set([...Object.keys(result.initial.db), ...Object.keys(result.initial.cache), ...result.diff.map((d) => d.key), ...result.history.map((o) => o.op.key)])];
  keys.sort();
  return keys.flatMap((key) => {
    const row = result.diff.find((d) => d.key === key);
    const initialDb = result.initial.db[key];
    const final = (value: string | null | undefined): ValuePoint[] =>
      row === undefined ? [] : [{ at: result.finalAt, value: value ?? null, source: 'final snapshot' }];
    const database: ValuePoint[] = [{ at: start, value: initialDb === undefined ? null : String(initialDb), source: 'setup' }, ...final(row?.db)];
    const cache: ValuePoint[] = [{ at: start, value: result.initial.cache[key] ?? null, source: 'setup' }, ...final(row?.cache)];
    const answers = result.history
      .filter((op) => op.op.key === key && op.outcome === 'ok' && op.value !== undefined)
      .sort((a, b) => a.completedAt - b.completedAt)
      .map((op) => ({ at: op.completedAt, value: op.value === null ? null : String(op.value), source: `${op.id} answered` }));
    return [
      { key, store: 'database' as const, points: database },
      { key, store: 'cache' as const, points: cache },
      ...(answers.length > 0 ? [{ key, store: 'answers' as const, points: answers }] : []),
    ];
  });
}
