import pg from 'pg';

/** ms between attempts to connect (again) and LISTEN. */
const RETRY_MS = 100;

/** A LISTEN that stays on: `stop()` ends it. `listening()` is true while a connection listens. */
export interface Listener {
  listening(): boolean;
  stop(): Promise<void>;
}

/**
 * LISTENs on `channel` over a dedicated connection and hands every payload to `onPayload`. A lost
 * connection is dialled again every RETRY_MS until stop(): notifications sent while no connection
 * listened are lost, as PostgreSQL does not keep them for anyone (a caller that must not miss one
 * needs another way to catch up). Never throws.
 */
export function listen(url: string, channel: string, onPayload: (payload: string) => void): Listener {
  let client: pg.Client | undefined;
  let stopped = false;
  let up = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client = c;
    const lost = (): void => {
      if (client !== c) return;
      up = false;
      client = undefined;
      void c.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), RETRY_MS);
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      up = client === c;
    } catch {
      lost();
    }
  };
  void connect();

  return {
    listening: () => up,
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      up = false;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
