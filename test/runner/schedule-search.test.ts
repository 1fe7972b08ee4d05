import { describe, expect, it } from 'vitest';
import { faultNames, formatSchedule, type Schedule } from '../../src/runner/schedule.js';
import { containsSchedule, drawSchedules, shrinkSchedule, windowsOf, type SearchSpace } from '../../src/runner/schedule-search.js';

const space: SearchSpace = {
  windows: [
    { op: 'p1', point: 'after-cache-read' },
    { op: 'p1', point: 'after-db-commit' },
    { op: 'p2', point: 'after-cache-read' },
    { op: 'p2', point: 'after-db-commit' },
    { op: 'r1', point: 'after-cache-read' },
  ],
  faults: faultNames(),
  maxFaults: 3,
};
const texts = (schedules: Schedule[]): string[] => schedules.map(formatSchedule);

describe('schedule search', () => {
  it('learns each window once, in the order first passed', () => {
    expect(windowsOf([{ op: 'p1', point: 'after-cache-read' }, { op: 'p1', point: 'after-db-commit' }, { op: 'p1', point: 'after-cache-read' }])).toEqual([
      { op: 'p1', point: 'after-cache-read' },
      { op: 'p1', point: 'after-db-commit' },
    ]);
  });

  it('draws the same schedules from the same seed, others from another', () => {
    const a = drawSchedules(space, 7, 50);
    expect(texts(a)).toEqual(texts(drawSchedules(space, 7, 50)));
    expect(texts(a)).not.toEqual(texts(drawSchedules(space, 8, 50)));
    expect(texts(drawSchedules(space, 7, 10))).toEqual(texts(a.slice(0, 10)));
  });

  it('draws 1..maxFaults entries, one per window, in window order, over every window and fault', () => {
    const drawn = drawSchedules(space, 1, 400);
    const keys = space.windows.map((w) => `${w.op}@${w.point}`);
    for (const schedule of drawn) {
      expect(schedule.length).toBeGreaterThanOrEqual(1);
      expect(schedule.length).toBeLessThanOrEqual(3);
      const at = schedule.map((e) => keys.indexOf(`${e.op}@${e.point}`));
      expect(at.every((i, n) => i >= 0 && (n === 0 || i > (at[n - 1] ?? -1)))).toBe(true);
    }
    expect(new Set(drawn.flatMap((s) => s.map((e) => `${e.op}@${e.point}`)))).toEqual(new Set(keys));
    expect(new Set(drawn.flatMap((s) => s.map((e) => e.fault)))).toEqual(new Set(space.faults));
  });

  it('shrinks a failing schedule to the one entry that breaks, with the simplest kind that still breaks', async () => {
    // Fails whenever p1 loses its Redis link or its process after the commit.
    const breaks = (s: Schedule): boolean =>
      s.some((e) => e.op === 'p1' && e.point === 'after-db-commit' && ['reset-redis', 'link-down-redis', 'kill-app'].includes(e.fault));
    const drawn = drawSchedules(space, 3, 300);
    const index = drawn.findIndex((s) => s.length >= 2 && breaks(s) && !s.some((e) => e.fault === 'reset-redis'));
    expect(index).toBeGreaterThanOrEqual(0);
    const judged: string[] = [];
    const shrunk = await shrinkSchedule(space, 3, index, (s) => {
      judged.push(formatSchedule(s));
      return Promise.resolve(breaks(s));
    }, () => false);
    expect(judged[0]).toBe(formatSchedule(drawn[index] ?? []));
    expect(shrunk && formatSchedule(shrunk.minimal)).toBe('p1@after-db-commit:reset-redis');
    expect(shrunk?.runs).toBe(new Set(judged).size);
  });

  it('returns nothing when the replay does not fail, and stops shrinking when told', async () => {
    expect(await shrinkSchedule(space, 3, 0, () => Promise.resolve(false), () => false)).toBeUndefined();
    let runs = 0;
    const shrunk = await shrinkSchedule(space, 3, 0, () => {
      runs++;
      return Promise.resolve(true);
    }, () => runs >= 1);
    expect(runs).toBe(1);
    expect(shrunk && formatSchedule(shrunk.minimal)).toBe(formatSchedule(drawSchedules(space, 3, 1)[0] ?? []));
  });

  it('runs no candidate whose verdict is known, from an earlier shrink or the caller', async () => {
    const judged = new Map<string, boolean>();
    const breaks = (s: Schedule): boolean => s.some((e) => e.op === 'r1');
    const drawn = drawSchedules(space, 5, 300);
    const failing = drawn.flatMap((s, i) => (s.length >= 2 && breaks(s) ? [i] : [])).slice(0, 2);
    expect(failing).toHaveLength(2);
    const calls: string[] = [];
    let runs = 0;
    for (const index of failing) {
      const shrunk = await shrinkSchedule(space, 5, index, (s) => {
        calls.push(formatSchedule(s));
        return Promise.resolve(breaks(s));
      }, () => false, judged);
      expect(shrunk && formatSchedule(shrunk.minimal)).toBe('r1@after-cache-read:reset-redis');
      runs += shrunk?.runs ?? 0;
    }
    // Every candidate ran once, the second drawn schedule's shrink found many judged already.
    expect(calls).toEqual([...new Set(calls)]);
    expect(calls.filter((c) => c === 'r1@after-cache-read:reset-redis')).toHaveLength(1);
    const seeded = new Map([[formatSchedule(drawn[failing[0] ?? 0] ?? []), true]]);
    let ran = 0;
    await shrinkSchedule(space, 5, failing[0] ?? 0, (s) => {
      ran++;
      return Promise.resolve(breaks(s));
    }, () => false, seeded);
    expect(ran).toBeLessThan(calls.length);
    expect(seeded.get(formatSchedule(drawn[failing[0] ?? 0] ?? []))).toBe(true);
    expect(runs).toBe(calls.length);
  });

  it('knows when a schedule contains another', () => {
    const big: Schedule = [
      { op: 'p1', point: 'after-db-commit', fault: 'reset-redis' },
      { op: 'r1', point: 'after-cache-read', fault: 'kill-app' },
    ];
    expect(containsSchedule(big, [{ op: 'p1', point: 'after-db-commit', fault: 'reset-redis' }])).toBe(true);
    expect(containsSchedule(big, [{ op: 'p1', point: 'after-db-commit', fault: 'kill-app' }])).toBe(false);
  });
});
