import type { CompletedOp } from '../history/history.js';
import type { StrategyResult } from '../runner/result.js';
import { clientLanes, instantEvents, packRows, pairWindows, timeDomain, timeScale, type FaultWindow, type Lane, type TimeScale } from './html-layout.js';
import { CHAR_W, duration, el, esc, n } from './html-markup.js';
import { valueRows, valuesHeight } from './html-values.js';

/** SVG user units. The viewBox is WIDTH wide and scales to the page, so 1 unit is about 1 CSS px on a laptop. */
const WIDTH = 1000;
const GUTTER = 150;
const RIGHT = 16;
const AXIS_H = 20;
const EVENT_ROW = 15;
const ROW_H = 24;
const BAR_H = 16;
const LANE_PAD = 4;
/** The narrowest an op's bar is drawn, however short the op. */
const MIN_BAR = 3;

/**
 * One result's history as an inline SVG: a lane per client, each op a bar from invoke to
 * completion coloured by outcome, fault windows shaded across every lane (a hold only over the
 * op it holds), the fault points ops reached, the final snapshot, and the values the history shows
 * per key. `uid` keeps the ids of its patterns apart from other timelines on the page.
 */
export function renderTimeline(result: StrategyResult, uid: string): string {
  const [start, end] = timeDomain(result);
  const scale = timeScale(start, end, GUTTER, WIDTH - RIGHT);
  const lanes = clientLanes(result.history, scale, MIN_BAR);
  const windows = pairWindows(result.timeline, end);
  const labels = eventLabels(result, windows, scale);
  const eventTop = AXIS_H;
  const lanesTop = eventTop + Math.max(1, ...labels.map((l) => l.row + 1)) * EVENT_ROW + 6;
  const laneTops: number[] = [];
  let y = lanesTop;
  for (const lane of lanes) {
    laneTops.push(y);
    y += lane.rows * ROW_H + 2 * LANE_PAD;
  }
  const valuesTop = y + 8;
  const bottom = valuesTop + valuesHeight(result, start);
  const height = bottom + 6;
  const barY = (lane: number, row: number): number => laneTops[lane]! + LANE_PAD + row * ROW_H + (ROW_H - BAR_H) / 2;

  const parts = [
    el('title', {}, esc(`timeline of ${result.scenario} × ${result.strategy}`)),
    defs(uid),
    grid(scale, eventTop, bottom),
    ...lanes.map((lane, i) => laneFrame(lane, i, laneTops[i]!, scale)),
    ...windows.filter((w) => w.kind !== 'hold').map((w) => windowBand(w, scale, eventTop, bottom, lanes, barY, uid)),
    ...instantEvents(result.timeline).map((e) => {
      const x = n(scale.x(e.at));
      return el('line', { class: 'instant-event', x1: x, x2: x, y1: eventTop, y2: n(bottom) }, el('title', {}, esc(`${e.event} at ${e.at} ms`)));
    }),
    ...lanes.flatMap((lane, i) => lane.bars.map((bar, j) => opBar(bar, lane.bars[j + 1], barY(i, bar.row), scale, uid))),
    // A hold covers the bar of the op it holds, so it goes over it.
    ...windows.filter((w) => w.kind === 'hold').map((w) => windowBand(w, scale, eventTop, bottom, lanes, barY, uid)),
    ...pointMarkers(result, lanes, barY, scale),
    snapshotLine(result, scale, eventTop, bottom),
    ...labels.map((label) => el('text', { class: `event-label ${label.cls}`, x: n(label.x), y: n(eventTop + label.row * EVENT_ROW + 11) }, esc(label.text))),
    valueRows(result, scale, valuesTop, start),
  ];
  return el('svg', { class: 'timeline', viewBox: `0 0 ${WIDTH} ${n(height)}`, role: 'img', 'aria-label': `timeline of ${result.scenario} × ${result.strategy}` }, ...parts);
}

function defs(uid: string): string {
  const hatch = (id: string, cls: string): string =>
    el('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      el('rect', { class: `${cls}-bg`, width: 6, height: 6 }), el('line', { class: `${cls}-line`, x1: 0, y1: 0, x2: 0, y2: 6 }));
  return el('defs', {}, hatch(`${uid}-unknown`, 'hatch-unknown'), hatch(`${uid}-hold`, 'hatch-hold'), hatch(`${uid}-process`, 'hatch-process'));
}

function grid(scale: TimeScale, top: number, bottom: number): string {
  const ticks = scale.ticks.map((t) => {
    const x = n(scale.x(t));
    return el('line', { class: 'grid', x1: x, x2: x, y1: top, y2: n(bottom) }) + el('text', { class: 'tick', x, y: 13 }, esc(t));
  });
  return el('g', {}, el('text', { class: 'axis-unit', x: 8, y: 13 }, 'ms since start'), ...ticks);
}

function laneFrame(lane: Lane, index: number, top: number, scale: TimeScale): string {
  const height = lane.rows * ROW_H + 2 * LANE_PAD;
  const name = lane.client.length > 22 ? `${lane.client.slice(0, 21)}…` : lane.client;
  return el('g', { class: 'lane' },
    el('rect', { class: index % 2 === 0 ? 'stripe' : 'stripe odd', x: 0, y: n(top), width: WIDTH, height: n(height) }),
    el('text', { class: 'lane-label', x: GUTTER - 8, y: n(top + height / 2 + 4) }, el('title', {}, esc(lane.client)), esc(name)),
    el('line', { class: 'lane-axis', x1: GUTTER, x2: n(scale.x1), y1: n(top + height), y2: n(top + height) }));
}

function windowBand(w: FaultWindow, scale: TimeScale, top: number, bottom: number, lanes: Lane[], barY: (lane: number, row: number) => number, uid: string): string {
  const x = scale.x(w.start);
  const width = Math.max(scale.x(w.end) - x, 2);
  const title = el('title', {}, esc(windowTitle(w)));
  const cls = `fault-window ${w.kind}${w.open ? ' open' : ''}`;
  const fill = w.kind === 'hold' ? `url(#${uid}-hold)` : w.kind === 'process' ? `url(#${uid}-process)` : undefined;
  const held = w.kind === 'hold' ? findBar(lanes, w.point?.op) : undefined;
  const [y, h] = held ? [barY(held.lane, held.row) - 3, BAR_H + 6] : [top, bottom - top];
  const data = { 'data-start': w.start, 'data-end': w.end, 'data-window': w.id };
  return el('rect', { class: cls, x: n(x), y: n(y), width: n(width), height: n(h), fill, ...data }, title);
}

function windowTitle(w: FaultWindow): string {
  const end = w.open ? 'never undone: lasted to the end of the run' : `${w.endEvent ?? 'ended'} at ${w.end} ms`;
  return `${w.event}${w.trigger ? ` (at ${w.trigger})` : ''}: from ${w.start} ms; ${end} (${duration(w.end - w.start)})`;
}

function findBar(lanes: Lane[], opId: string | undefined): { lane: number; row: number } | undefined {
  for (const [lane, { bars }] of lanes.entries()) {
    const bar = bars.find((b) => b.op.id === opId);
    if (bar) return { lane, row: bar.row };
  }
  return undefined;
}

function opBar(bar: Lane['bars'][number], next: Lane['bars'][number] | undefined, y: number, scale: TimeScale, uid: string): string {
  const { op } = bar;
  const fill = op.outcome === 'unknown' ? `url(#${uid}-unknown)` : undefined;
  const data = { 'data-op': op.id, 'data-invoked': op.invokedAt, 'data-completed': op.completedAt };
  const rect = el('rect', { class: `op ${op.outcome}`, x: n(bar.x), y: n(y), width: n(bar.width), height: BAR_H, rx: 2, fill, ...data }, el('title', {}, esc(opTitle(op))));
  const text = opLabel(op);
  const textW = text.length * CHAR_W;
  if (textW + 6 <= bar.width) {
    return rect + el('text', { class: `op-label inside ${op.outcome}`, x: n(bar.x + 3), y: n(y + 12) }, esc(text));
  }
  const room = (next && next.row === bar.row ? next.x : scale.x1 + RIGHT) - (bar.x + bar.width);
  if (textW + 6 <= room) return rect + el('text', { class: 'op-label', x: n(bar.x + bar.width + 3), y: n(y + 12) }, esc(text));
  return rect;
}

/** "p2 → 0", "p1 ✗", "w1 ?": the op, and what it was answered or that it failed or may have happened. */
function opLabel(op: CompletedOp): string {
  if (op.outcome === 'fail') return `${op.id} ✗`;
  if (op.outcome === 'unknown') return `${op.id} ?`;
  return op.value === undefined ? op.id : `${op.id} → ${op.value === null ? 'none' : String(op.value)}`;
}

function opTitle(op: CompletedOp): string {
  const request = Object.entries(op.op).filter(([name]) => name !== 'kind').map(([, v]) => String(v)).join(' ');
  const answer = op.error ?? (op.value === undefined ? '' : `answered ${op.value === null ? 'none' : String(op.value)}`);
  return `${op.id} (${op.client}): ${op.op.kind} ${request}\n${op.invokedAt}–${op.completedAt} ms (${duration(op.completedAt - op.invokedAt)})\n${op.outcome}${answer ? `: ${answer}` : ''}`;
}

/** A diamond where an op reached an armed fault point (the first time per op and point). */
function pointMarkers(result: StrategyResult, lanes: Lane[], barY: (lane: number, row: number) => number, scale: TimeScale): string[] {
  const seen = new Set<string>();
  const markers: string[] = [];
  for (const entry of result.timeline) {
    if (!entry.point || entry.window?.edge === 'end' || seen.has(`${entry.point.op}@${entry.point.name}`)) continue;
    seen.add(`${entry.point.op}@${entry.point.name}`);
    const bar = findBar(lanes, entry.point.op);
    if (!bar) continue;
    const x = scale.x(entry.at);
    const y = barY(bar.lane, bar.row);
    const d = `M${n(x)} ${n(y - 4)}l4 4l-4 4l-4 -4z`;
    markers.push(el('path', { class: 'fault-point', d, 'data-point': entry.point.name }, el('title', {}, esc(`${entry.point.op} reached ${entry.point.name} at ${entry.at} ms`))));
  }
  return markers;
}

function snapshotLine(result: StrategyResult, scale: TimeScale, top: number, bottom: number): string {
  if (result.finalAt <= 0) return '';
  const x = n(scale.x(result.finalAt));
  return el('line', { class: 'snapshot', x1: x, x2: x, y1: top, y2: n(bottom) }, el('title', {}, esc(`final snapshot read at ${result.finalAt} ms`)));
}

interface EventLabel {
  x: number;
  text: string;
  cls: string;
  row: number;
}

/** The labels above the lanes: each fault window, each instant event, the snapshot; stacked so none overlaps. */
function eventLabels(result: StrategyResult, windows: FaultWindow[], scale: TimeScale): EventLabel[] {
  const items = [
    ...windows.map((w) => ({ at: w.start, cls: w.kind, text: `${w.trigger && w.trigger !== 'workload' ? `${w.trigger}: ` : ''}${w.event.replace(/^add toxic /, '')}${w.open ? ' (never undone)' : ''}` })),
    ...instantEvents(result.timeline).map((e) => ({ at: e.at, cls: 'instant', text: `${e.event}${e.trigger && e.trigger !== 'workload' ? ` (${e.trigger})` : ''}` })),
    ...(result.finalAt > 0 ? [{ at: result.finalAt, cls: 'snapshot-label', text: 'final snapshot' }] : []),
  ];
  const placed = items.map((item) => {
    const width = item.text.length * CHAR_W * 1.02;
    // The snapshot's label ends at its line; the others start at their time; none leaves the plot.
    const at = item.cls === 'snapshot-label' ? scale.x(item.at) - width - 4 : scale.x(item.at);
    const x = Math.max(scale.x0, Math.min(at, scale.x1 - width));
    return { ...item, x, from: x, to: x + width };
  });
  const rows = packRows(placed, 8);
  return placed.map((p, i) => ({ x: p.x, text: p.text, cls: p.cls, row: rows[i]! }));
}
