import type { Redis } from 'ioredis';
import { ok, type Result } from './result.js';

/** One stream entry: its id ("1700000000000-0") and its field/value pairs. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/**
 * A consumer group's side of a Redis Stream (the producer's XADD goes through
 * RedisDriver.atomically, with the data it queues). Stream names are prefixed like every key.
 * None of these block: a blocking read would hold the driver's one connection and delay every
 * other command of the app behind it, so a worker polls.
 */
export interface StreamCommands {
  /**
   * XGROUP CREATE stream group 0 MKSTREAM: ok(true) when created, ok(false) when it existed
   * already (BUSYGROUP). From id 0, so entries added before the group existed are delivered too.
   */
  createGroup(stream: string, group: string): Promise<Result<boolean>>;
  /**
   * XREADGROUP, at most `count` entries. 'new': entries never delivered to anyone (id `>`), now
   * pending for `consumer`. 'mine': entries already delivered to `consumer` and not acknowledged
   * (id 0), e.g. after a failed write. fail when the group or stream does not exist (NOGROUP: a
   * Redis that restarted without persistence).
   */
  readGroup(stream: string, group: string, consumer: string, which: 'new' | 'mine', count: number): Promise<Result<StreamEntry[]>>;
  /**
   * XAUTOCLAIM from 0-0: entries delivered to any consumer and not acknowledged for at least
   * `minIdleMs` become `consumer`'s (a dead worker's entries, taken over). Entries deleted in the
   * meantime are left out.
   */
  claim(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<Result<StreamEntry[]>>;
  /** XACK and XDEL in one MULTI: ok(1) acknowledged, ok(0) it was not pending (already acknowledged). */
  ackAndDelete(stream: string, group: string, id: string): Promise<Result<number>>;
  /** XPENDING summary: ok(entries delivered to the group's consumers and not acknowledged). */
  pending(stream: string, group: string): Promise<Result<number>>;
}

type Call = <T>(run: () => Promise<T>) => Promise<Result<T>>;
type RawEntry = [id: string, fields: string[]] | null;

/**
 * The commands on `client`, every one through the driver's classifying `call`. ioredis prefixes
 * the stream of every command here but XGROUP (a container command), which gets `keyPrefix` by hand.
 */
export function streamCommands(client: Redis, keyPrefix: string, call: Call): StreamCommands {
  return {
    createGroup: async (stream, group) => {
      const created = await call(async () => {
        try {
          await client.xgroup('CREATE', keyPrefix + stream, group, '0', 'MKSTREAM');
          return true;
        } catch (err) {
          // The group exists: what the caller wanted. Any other refusal is passed on.
          if (err instanceof Error && err.message.startsWith('BUSYGROUP')) return false;
          throw err;
        }
      });
      return created;
    },
    readGroup: (stream, group, consumer, which, count) =>
      call(async () => {
        const reply = (await client.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, which === 'new' ? '>' : '0')) as
          | [string, RawEntry[]][]
          | null;
        return entries(reply?.[0]?.[1] ?? []);
      }),
    claim: (stream, group, consumer, minIdleMs, count) =>
      call(async () => {
        const reply = (await client.xautoclaim(stream, group, consumer, minIdleMs, '0-0', 'COUNT', count)) as [string, RawEntry[], ...unknown[]];
        return entries(reply[1]);
      }),
    ackAndDelete: async (stream, group, id) => {
      const replies = await call(async () => {
        const exec = await client.multi().xack(stream, group, id).xdel(stream, id).exec();
        if (exec === null) throw new Error('MULTI aborted');
        const error = exec.find(([err]) => err)?.[0];
        if (error) throw error;
        return exec;
      });
      return replies.outcome === 'ok' ? ok(Number(replies.value[0]?.[1] ?? 0)) : replies;
    },
    pending: (stream, group) =>
      call(async () => {
        const [count] = (await client.xpending(stream, group)) as [number, ...unknown[]];
        return Number(count);
      }),
  };
}

/** Raw entries to StreamEntry; a nil entry (deleted while pending) is left out. */
function entries(raw: RawEntry[]): StreamEntry[] {
  const found: StreamEntry[] = [];
  for (const entry of raw) {
    if (entry === null) continue;
    const [id, flat] = entry;
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] ?? ''] = flat[i + 1] ?? '';
    found.push({ id, fields });
  }
  return found;
}
