import { connect, onLinkDown } from './redis-client.js';
import type { RedisSettings } from './redis.js';
import type { Result } from './result.js';

/**
 * An invalidation bus between app processes over Redis: a writer publishes the key it changed,
 * every app (the writer too) hears it and drops its in-process copy. Each bus has connections of
 * its own (a subscriber or a blocking reader cannot share the driver's), through the same URL as
 * the driver, so a cut link cuts the bus too.
 */
export interface InvalidationBus {
  publish(key: string): Promise<Result<void>>;
  /** The bus connection is up and listening now: an invalidation published now will be heard. */
  up(): boolean;
  /**
   * Nothing published is left unheard: the connection is up and (stream) a read issued since it
   * last came up has returned, so every entry added before it has been handled.
   */
  caughtUp(): boolean;
  close(): Promise<void>;
}

/** ms a stream read blocks waiting for entries; the reader's heartbeat. */
const BLOCK_MS = 100;

/**
 * Pub/sub (PUBLISH / SUBSCRIBE on `channel`): fire and forget. A message published while a
 * subscriber's link is down is never delivered to it; ioredis subscribes again on reconnect, from
 * then on.
 */
export function pubSubBus(url: string, keyPrefix: string, settings: RedisSettings, channel: string, onKey: (key: string) => void): InvalidationBus {
  const name = keyPrefix + channel;
  const sub = connect(url, settings, { keyPrefix: '' });
  const pub = connect(url, settings, { keyPrefix: '' });
  let subscribed = false;
  sub.client.on('message', (_channel: string, key: string) => onKey(key));
  sub.client.on('close', () => (subscribed = false));
  // ioredis re-subscribes on each reconnect before it reports ready again.
  sub.client.on('ready', () => (subscribed = true));
  void sub.client.subscribe(name).then(
    () => (subscribed = true),
    () => undefined,
  );
  return {
    publish: async (key) => {
      const sent = await pub.call(() => pub.client.publish(name, key));
      return sent.outcome === 'ok' ? { outcome: 'ok', value: undefined } : sent;
    },
    up: () => subscribed && sub.client.status === 'ready',
    caughtUp: () => subscribed && sub.client.status === 'ready',
    close: async () => {
      await Promise.all([sub.client.quit().catch(() => undefined), pub.client.quit().catch(() => undefined)]);
    },
  };
}

/**
 * A Redis Stream (XADD / XREAD on `stream`): durable. The reader remembers the id of the last entry
 * it handled and, after a reconnect, reads on from it, so entries added while its link was down
 * are handled late, never lost (while the stream keeps them: MAXLEN trims the oldest).
 */
export function streamBus(url: string, keyPrefix: string, settings: RedisSettings, stream: string, onKey: (key: string) => void): InvalidationBus {
  const name = keyPrefix + stream;
  // A read in flight when the link drops is sent again on reconnect (a read, safe to repeat);
  // its timeout covers the block.
  const reader = connect(url, { ...settings, autoResendUnfulfilledCommands: true, commandTimeoutMs: settings.commandTimeoutMs + BLOCK_MS }, { keyPrefix: '' });
  const writer = connect(url, settings, { keyPrefix: '' });
  let lastId: string | undefined;
  /** When the reader's link was last seen down (performance.now() ms); a read issued after it that returns means caught up. */
  let downAt = 0;
  let caughtUpAt = -1;
  let closed = false;
  onLinkDown(reader.client, () => (downAt = performance.now()));

  const loop = async (): Promise<void> => {
    while (!closed) {
      const started = performance.now();
      if (lastId === undefined) {
        // Start at the stream's end: what was published before this app existed is not its concern.
        const last = await reader.call(() => reader.client.xrevrange(name, '+', '-', 'COUNT', 1));
        if (last.outcome === 'ok') lastId = last.value[0]?.[0] ?? '0-0';
        else await pause(settings.retryDelayMs);
        continue;
      }
      const read = await reader.call(() => reader.client.xread('COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', name, lastId as string));
      if (read.outcome !== 'ok') {
        downAt = performance.now();
        await pause(settings.retryDelayMs);
        continue;
      }
      for (const [, entries] of read.value ?? []) {
        for (const [id, fields] of entries) {
          const key = fields[fields.indexOf('key') + 1];
          if (key !== undefined) onKey(key);
          lastId = id;
        }
      }
      if (started > downAt) caughtUpAt = performance.now();
    }
  };
  const running = loop();
  return {
    publish: async (key) => {
      const added = await writer.call(() => writer.client.xadd(name, 'MAXLEN', '~', '10000', '*', 'key', key));
      return added.outcome === 'ok' ? { outcome: 'ok', value: undefined } : added;
    },
    up: () => caughtUpAt > downAt,
    caughtUp: () => caughtUpAt > downAt,
    close: async () => {
      closed = true;
      await running.catch(() => undefined);
      await Promise.all([reader.client.quit().catch(() => undefined), writer.client.quit().catch(() => undefined)]);
    },
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
