import fc from 'fast-check';
import type { FaultPoint } from '../strategies/fault-points.js';
import { formatSchedule, type Schedule, type ScheduleFault } from './schedule.js';

/** A place a fault can go: op `op` passes fault point `point` (as a clean run showed). */
export interface Window {
  op: string;
  point: FaultPoint;
}

/** What schedules are drawn from: the windows, the fault names (simplest first), at most maxFaults entries each. */
export interface SearchSpace {
  windows: Window[];
  faults: ScheduleFault[];
  maxFaults: number;
}

/** Each op@point once, in the order first passed. */
export function windowsOf(passed: Window[]): Window[] {
  const seen = new Set<string>();
  return passed.filter((w) => {
    const key = `${w.op}@${w.point}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Schedules of 1..maxFaults entries, at most one per window: a tuple with a slot per window, each
 * empty or a fault. fast-check shrinks every slot on its own toward empty (so any single entry can
 * go) and a fault toward the front of the fault names (the simplest kinds); a window is never
 * swapped for another. A slot holds a fault with probability min(1/2, 1.5/windows): about one or
 * two faults a schedule, however many windows. Entries come in the order the windows were passed.
 */
export function scheduleArbitrary(space: SearchSpace): fc.Arbitrary<Schedule> {
  const share = Math.min(0.5, 1.5 / Math.max(1, space.windows.length));
  const slot = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: Math.round((1 - share) * 100) },
    { arbitrary: fc.constantFrom(...space.faults), weight: Math.round(share * 100) },
  );
  return fc
    .tuple(...space.windows.map(() => slot))
    .filter((slots) => {
      const n = slots.filter((f) => f !== undefined).length;
      return n >= 1 && n <= space.maxFaults;
    })
    .map((slots) =>
      space.windows.flatMap((w, i): Schedule => {
        const fault = slots[i];
        return fault === undefined ? [] : [{ op: w.op, point: w.point, fault }];
      }),
    );
}

/** The `count` schedules explore runs for `seed`, in order: the same seed and space give the same list. */
export function drawSchedules(space: SearchSpace, seed: number, count: number): Schedule[] {
  if (space.windows.length === 0 || space.faults.length === 0 || count <= 0) return [];
  return fc.sample(scheduleArbitrary(space), { seed, numRuns: count });
}

/** Whether a run under a schedule broke the strategy (inconsistent), or not (consistent, unknown). */
export type Judge = (schedule: Schedule) => Promise<boolean>;

export interface Shrunk {
  /** The smallest schedule that still failed; the drawn one itself if none smaller did. */
  minimal: Schedule;
  /** Runs it took (candidates found in `judged` cost none). */
  runs: number;
}

/**
 * Shrinks drawn schedule `index` of `seed` (one that failed) with fast-check: it starts from that
 * schedule (`path`) and tries smaller ones, each judged by a real run. `judged` holds the verdicts
 * already known (by compact form): the drawn schedule's own, put there by the caller, and every
 * candidate run in this shrink or an earlier one of the same exploration; those are not run again.
 * Returns undefined when the drawn schedule, judged, does not fail. `stop()` true (Ctrl-C) makes
 * every further candidate count as not failing, so fast-check ends at once with the smallest
 * failing schedule found so far.
 */
export async function shrinkSchedule(
  space: SearchSpace,
  seed: number,
  index: number,
  judge: Judge,
  stop: () => boolean,
  judged: Map<string, boolean> = new Map(),
): Promise<Shrunk | undefined> {
  let runs = 0;
  let smallest: Schedule | undefined;
  const fails = async (schedule: Schedule): Promise<boolean> => {
    const key = formatSchedule(schedule);
    const known = judged.get(key);
    if (known !== undefined) {
      if (known) smallest = schedule;
      return known;
    }
    if (stop()) return false;
    runs++;
    const failed = await judge(schedule);
    judged.set(key, failed);
    if (failed) smallest = schedule;
    return failed;
  };
  // numRuns 1 with a path: exactly the drawn schedule, then (if it fails) its shrinks.
  await fc.check(
    fc.asyncProperty(scheduleArbitrary(space), async (schedule) => !(await fails(schedule))),
    { seed, path: String(index), numRuns: 1 },
  );
  return smallest === undefined ? undefined : { minimal: smallest, runs };
}

/** True when every entry of `part` is in `schedule` (same op, point and fault). */
export function containsSchedule(schedule: Schedule, part: Schedule): boolean {
  return part.every((p) => schedule.some((e) => e.op === p.op && e.point === p.point && e.fault === p.fault));
}
