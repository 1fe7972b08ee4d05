import type { DbDriver } from '../drivers/postgres.js';
import { must } from '../drivers/result.js';

/*
 * Durability is timed by the database: a row's `at` column is clock_timestamp() on the database
 * server's clock, and the acknowledgement is timed by the lab (the history's monotonic clock, ms
 * since the run started). The two clocks are different clocks (other hosts in external mode; on
 * one host, wall time that NTP may slew against monotonic time), so the lab reads the database's
 * clock at the start and at the end of a run, each bracketed by its own, and converts between them
 * by the line through both readings. A converted time is off by at most the larger half round trip.
 */

/** One reading: the database's time `dbMs` (epoch ms) was taken when the lab's clock said `labMs`, give or take `errorMs`. */
export interface ClockReading {
  labMs: number;
  dbMs: number;
  errorMs: number;
}

/** Readings taken; the one with the shortest round trip is kept (the first may wait for a connection). */
const READINGS = 3;

export async function readDbClock(db: DbDriver, now: () => number): Promise<ClockReading> {
  let best: ClockReading | undefined;
  for (let i = 0; i < READINGS; i++) {
    const sent = now();
    const rows = must(await db.query<{ ms: number }>('SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms'), "read the database's clock");
    const received = now();
    const dbMs = rows[0]?.ms;
    if (dbMs === undefined) continue;
    const reading = { labMs: (sent + received) / 2, dbMs, errorMs: (received - sent) / 2 };
    if (best === undefined || reading.errorMs < best.errorMs) best = reading;
  }
  if (best === undefined) throw new Error("the database's clock answered no row");
  return best;
}

/** Converts a database time (epoch ms) to the lab's clock, by the line through two readings. */
export function dbToLabClock(start: ClockReading, end: ClockReading): (dbMs: number) => number {
  const offsetAt = (r: ClockReading): number => r.dbMs - r.labMs;
  const span = end.dbMs - start.dbMs;
  const drift = span > 0 ? (offsetAt(end) - offsetAt(start)) / span : 0;
  return (dbMs) => dbMs - (offsetAt(start) + drift * (dbMs - start.dbMs));
}
