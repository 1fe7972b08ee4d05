import type { Verdict } from '../checkers/checker.js';
import { formatSchedule, type Schedule } from '../runner/schedule.js';
import type { MinimalSchedule, PointTally } from '../runner/explore-result.js';
import { containsSchedule } from '../runner/schedule-search.js';
import type { FaultPoint } from '../strategies/fault-points.js';

/**
 * The counts of an exploration as its runs come in. A failing run is explained by the first
 * minimal schedule it contains; one that contains none is new (the caller shrinks it and adds the
 * result), unless that minimal schedule did not fail again when run once more (`notReproduced`).
 */
export class ExploreTally {
  runs = 0;
  failing = 0;
  unknown = 0;
  shrinkRuns = 0;
  notReproduced = 0;
  readonly minimal: MinimalSchedule[] = [];
  /** Each exploration run in order: its schedule and verdict. */
  readonly ran: { schedule: string; verdict: Verdict }[] = [];
  readonly #points = new Map<FaultPoint, PointTally>();

  constructor(private readonly replayOf: (schedule: string) => string) {}

  /** Counts a run; for a failing one, returns the minimal schedule that explains it, if one is known. */
  record(schedule: Schedule, verdict: Verdict): MinimalSchedule | undefined {
    this.runs++;
    this.ran.push({ schedule: formatSchedule(schedule), verdict });
    for (const point of new Set(schedule.map((e) => e.point))) this.#point(point).faulted++;
    if (verdict === 'unknown') this.unknown++;
    if (verdict !== 'inconsistent') return undefined;
    this.failing++;
    const known = this.minimal.find((m) => containsSchedule(schedule, m.entries));
    if (known) this.#blame(known);
    return known;
  }

  /** A failing run's schedule was shrunk to `minimal` (in `runs` runs); undefined: that did not fail again. */
  shrunk(run: number, drawn: Schedule, minimal: Schedule | undefined, runs: number): MinimalSchedule | undefined {
    this.shrinkRuns += runs;
    if (!minimal) {
      this.notReproduced++;
      return undefined;
    }
    const text = formatSchedule(minimal);
    let found = this.minimal.find((m) => m.schedule === text);
    if (!found) {
      found = { schedule: text, entries: minimal, replay: this.replayOf(text), foundAt: { run, schedule: formatSchedule(drawn) }, failingRuns: 0 };
      this.minimal.push(found);
    }
    this.#blame(found);
    return found;
  }

  /** The fault points, the most dangerous first (most failing runs blamed on them, then most faulted). */
  points(): PointTally[] {
    return [...this.#points.values()].sort((a, b) => b.broke - a.broke || b.faulted - a.faulted);
  }

  #blame(m: MinimalSchedule): void {
    m.failingRuns++;
    for (const point of new Set(m.entries.map((e) => e.point))) this.#point(point).broke++;
  }

  #point(point: FaultPoint): PointTally {
    let tally = this.#points.get(point);
    if (!tally) {
      tally = { point, faulted: 0, broke: 0 };
      this.#points.set(point, tally);
    }
    return tally;
  }
}
