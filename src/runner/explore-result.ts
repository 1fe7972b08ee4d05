import type { Verdict } from '../checkers/checker.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import type { FaultKind, Schedule } from './schedule.js';

/** A minimal failing schedule, with the command that replays it. */
export interface MinimalSchedule {
  schedule: string;
  entries: Schedule;
  /** `cachelab run <scenario> --strategy <s> --schedule '<schedule>'`: the same verdict every time. */
  replay: string;
  /** The exploration run (1-based) whose schedule was shrunk to it, and that schedule. */
  foundAt: { run: number; schedule: string };
  /** Exploration runs that failed with a schedule containing it. */
  failingRuns: number;
}

/** Per fault point: runs that put a fault there, and failing runs whose minimal schedule has one there. */
export interface PointTally {
  point: FaultPoint;
  faulted: number;
  broke: number;
}

/** What `cachelab explore` found; `--json` prints it as it is. */
export interface ExploreReport {
  scenario: string;
  strategy: string;
  seed: number;
  faults: FaultKind[];
  maxFaults: number;
  /** The op@point windows the clean run passed: where the schedules put their faults. */
  windows: string[];
  /** The run with no fault at all, which learned the windows. */
  clean: { verdict: Verdict | 'skipped'; findings: string[] };
  runsAsked: number;
  /** Exploration runs done, and of them inconsistent and unknown; shrinking runs are counted apart. */
  runs: number;
  failing: number;
  unknown: number;
  shrinkRuns: number;
  /** Failing runs whose new minimal schedule did not fail again when run once more (timing-dependent): not reported. */
  notReproduced: number;
  minimal: MinimalSchedule[];
  points: PointTally[];
  /** Each exploration run in order (the same seed draws the same schedules). */
  ran: { schedule: string; verdict: Verdict }[];
  /** App processes started, and runs served by a process kept from the run before. */
  app: { started: number; reused: number };
  interrupted: boolean;
  notes: string[];
  durationMs: number;
}
