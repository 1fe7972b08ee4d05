import type { DiffRow } from '../checkers/diff.js';
import type { StrategyResult } from '../runner/result.js';
import { valueTracks, type TimeScale, type ValuePoint, type ValueTrack } from './html-layout.js';
import { CHAR_W, duration, el, esc, n } from './html-markup.js';

/** SVG user units. */
const KEY_H = 18;
const TRACK_H = 20;
const CHIP_H = 14;

const storeNames: Record<ValueTrack['store'], string> = { database: 'database', cache: 'cache', answers: 'answered' };

/** Height the value rows of a result take below its lanes. */
export function valuesHeight(result: StrategyResult, start: number): number {
  const tracks = valueTracks(result, start);
  return new Set(tracks.map((t) => t.key)).size * KEY_H + tracks.length * TRACK_H;
}

/**
 * Per key, what the history shows of its value: the database and the cache at the setup and in
 * the final snapshot (a dotted line between: not observed), and each acknowledged answer on the key.
 */
export function valueRows(result: StrategyResult, scale: TimeScale, top: number, start: number): string {
  const parts: string[] = [];
  let y = top;
  let key: string | undefined;
  for (const track of valueTracks(result, start)) {
    if (track.key !== key) {
      key = track.key;
      parts.push(
        el('line', { class: 'key-rule', x1: 0, x2: n(scale.x1), y1: n(y + 3), y2: n(y + 3) }),
        el('text', { class: 'key-label', x: 8, y: n(y + 15) }, esc(`values of ${key}`)),
      );
      y += KEY_H;
    }
    const label = el('text', { class: 'lane-label value', x: n(scale.x0 - 8), y: n(y + 14) }, storeNames[track.store]);
    const row = result.diff.find((d) => d.key === track.key);
    parts.push(label, track.store === 'answers' ? answers(track, y, scale) : storeTrack(track, row, y, scale));
    y += TRACK_H;
  }
  return el('g', { class: 'values' }, ...parts);
}

function storeTrack(track: ValueTrack, row: DiffRow | undefined, y: number, scale: TimeScale): string {
  const [setup, final] = track.points;
  if (!setup) return '';
  const empty = track.store === 'cache' ? '(empty)' : '(none)';
  const first = chip(setup.value ?? empty, scale.x(setup.at), 'start', y, 'chip', `${track.store} at the setup: ${setup.value ?? empty}`);
  if (!final) return first.markup;
  const status = track.store === 'cache' && row && row.status !== 'consistent' ? row.status : undefined;
  const ttl = track.store === 'cache' && final.value !== null && row?.ttlMs != null ? `, TTL ${duration(row.ttlMs)}` : '';
  const text = `${final.value ?? empty}${status ? ` · ${status}` : ''}${ttl}`;
  const last = chip(text, scale.x(final.at), 'end', y, `chip final ${status ?? ''}`.trim(), finalTitle(track, final, row, empty));
  const gap = el('line', { class: 'unobserved', x1: n(first.right + 3), x2: n(last.left - 3), y1: n(y + 10), y2: n(y + 10) },
    el('title', {}, `not observed between the setup and the final snapshot`));
  return first.markup + (last.left - first.right > 8 ? gap : '') + last.markup;
}

function finalTitle(track: ValueTrack, final: ValuePoint, row: DiffRow | undefined, empty: string): string {
  const parts = [`${track.store} in the final snapshot (${final.at} ms): ${final.value ?? empty}`];
  if (track.store === 'cache' && row) {
    if (final.value !== null) parts.push(row.ttlMs === null ? 'no TTL' : `TTL ${duration(row.ttlMs)} left`);
    parts.push(row.status);
    if (row.note) parts.push(row.note);
  }
  return parts.join(', ');
}

/** A value in a rounded box, its `anchor` edge at `x`. */
function chip(text: string, x: number, anchor: 'start' | 'end', y: number, cls: string, title: string): { markup: string; left: number; right: number } {
  const width = text.length * CHAR_W + 10;
  const left = anchor === 'start' ? x : x - width;
  const markup = el('g', { class: cls },
    el('title', {}, esc(title)),
    el('rect', { x: n(left), y: n(y + 3), width: n(width), height: CHIP_H, rx: 3 }),
    el('text', { x: n(left + 5), y: n(y + 14) }, esc(text)));
  return { markup, left, right: left + width };
}

/** A dot per answer; the values written on top, where they change and there is room. */
function answers(track: ValueTrack, y: number, scale: TimeScale): string {
  const xs = track.points.map((p) => scale.x(p.at));
  const line = xs.length > 1 ? el('line', { class: 'answer-line', x1: n(xs[0]!), x2: n(xs[xs.length - 1]!), y1: n(y + 10), y2: n(y + 10) }) : '';
  let labelEnd = -Infinity;
  let labelled: string | undefined;
  const dots: string[] = [];
  const labels: string[] = [];
  track.points.forEach((point, i) => {
    const x = xs[i]!;
    const text = point.value ?? 'none';
    dots.push(el('circle', { class: 'answer', cx: n(x), cy: n(y + 10), r: 3 }, el('title', {}, esc(`${point.source} ${text} at ${point.at} ms`))));
    // A value is written where it differs from the last one written, if it has room.
    if (text === labelled || x + 5 <= labelEnd) return;
    labelled = text;
    labelEnd = x + 5 + text.length * CHAR_W + 6;
    labels.push(el('text', { class: 'answer-label', x: n(x + 5), y: n(y + 14) }, esc(text)));
  });
  return line + dots.join('') + labels.join('');
}
