/*
 * What a stack is and how it is asked for: the contract between the code that starts one (local or
 * external) and the code that runs scenarios on it.
 */
export type StackMode = 'local' | 'external';

/** 'none' = no AOF; otherwise AOF with that appendfsync. RDB snapshots are always off. */
export type RedisPersistence = 'none' | 'always' | 'everysec' | 'no';

/** "AOF off", "appendfsync everysec", for reports. */
export function describePersistence(setting: RedisPersistence | 'unknown'): string {
  if (setting === 'none') return 'AOF off';
  if (setting === 'unknown') return 'unknown (the server does not say)';
  return `appendfsync ${setting}`;
}

export interface StackOptions {
  /**
   * undefined = auto: any URL given (here or in env REDIS_URL / DATABASE_URL / TOXIPROXY_URL)
   * means external, else local.
   */
  mode?: StackMode;
  redisUrl?: string;
  databaseUrl?: string;
  toxiproxyUrl?: string;
  /** Local mode only; default 'none'. */
  redisPersistence?: RedisPersistence;
  /**
   * Local mode: start the read replica with the other servers (a run that has a scenario needing
   * one); without it, readReplica() starts it on first use. Ignored in external mode.
   */
  readReplica?: boolean;
  /**
   * External mode: a read replica of databaseUrl that the user runs (env REPLICA_DATABASE_URL). Its
   * replication link does not go through the fault proxy, so no lag can be injected into it.
   */
  replicaDatabaseUrl?: string;
  /** External mode: shell commands that kill / start Redis, e.g. `docker compose kill redis`. */
  redisKillCommand?: string;
  redisStartCommand?: string;
  /** Leave servers, proxies and data in place on stop(); describe() says how to reach them. */
  keep?: boolean;
  /** [a-z0-9_], at most 40 chars; default a short random id. Names the key prefix and schema. */
  runId?: string;
  /**
   * Seeds the embedded fault proxy's random draws (toxicity, jitter, slicer sizes), so the same
   * seed gives the same draws. A Toxiproxy of the user's (toxiproxyUrl) draws on its own.
   */
  seed?: number;
  /** Progress lines ("starting PostgreSQL ..."); default: none. */
  log?: (line: string) => void;
  /**
   * Given: the caller owns SIGINT/SIGTERM (the CLI stops its workload first) and aborts this when
   * one arrives; a stack still starting then tears itself down and rejects with an interrupted
   * LabError; a stack that is up waits for the caller's stop(). Absent: the stack tears itself
   * down on SIGINT/SIGTERM (library use).
   */
  signal?: AbortSignal;
}

/**
 * A second PostgreSQL that follows the primary (databaseUrl) by logical replication: the
 * publication on the primary, the subscription on the replica and its slot are all named
 * `cachelab_<runId>`. Its replication link goes through the fault proxy, so a latency toxic there
 * is the replica's lag. DDL is not replicated: replicate() creates the tables on both sides.
 */
export interface ReadReplica {
  /** Direct: the lab reads the replica's real state through it. */
  databaseUrl: string;
  /** Through the fault proxy (`proxy`): where the app reads. */
  appDatabaseUrl: string;
  /** The app's link to the replica. */
  proxy: ProxyEndpoint;
  /** The replica's link to the primary (the walsender's stream): a fault here delays or cuts replication. */
  replicationProxy: ProxyEndpoint;
  /** The subscription whose applied position (pg_replication_origin_status.remote_lsn) says how far the replica is. */
  subscription: string;
  /**
   * Creates `ddl` (CREATE TABLE IF NOT EXISTS statements, run with search_path = schema) on the
   * replica and makes every table of `schema` replicate, without copying rows: call it while the
   * tables exist on the primary, before the rows to follow are written. Idempotent.
   */
  replicate(schema: string, ddl: string[]): Promise<void>;
  /** Resolves once the replica has applied every commit the primary had when called; LabError after timeoutMs. */
  waitCaughtUp(timeoutMs: number): Promise<void>;
  /**
   * Stops following: drops the subscription, its slot on the primary and the publication
   * (idempotent; replicate() starts again); true when it was following. The stack's stop() does it
   * before stopping the servers.
   */
  stop(): Promise<boolean>;
}

/** Where the app connects: a proxy of the fault proxy, in front of one real service. */
export interface ProxyEndpoint {
  name: string;
  host: string;
  port: number;
}

/** One app process's way to the stores: its own pair of proxies and the URLs through them. */
export interface AppLink {
  /**
   * `otherRedis`: the proxies to the Redis nodes other than the run's own (a Sentinel set's
   * replicas, the other Cluster nodes); a fault on the app's Redis link acts on them too.
   */
  proxies: { redis: ProxyEndpoint; postgres: ProxyEndpoint; otherRedis?: ProxyEndpoint[] };
  redisUrl: string;
  databaseUrl: string;
}

/**
 * A Redis primary with one replica and a Sentinel, fresh for one run: Redis as a team runs it
 * for failover. URLs are redis-sentinel:// (they follow the primary Sentinel names).
 */
export interface FailoverSet {
  /** Through Sentinel, straight to the servers: the lab's own view. */
  labUrl: string;
  /** Through Sentinel, the servers' addresses rewritten to the fault proxy's (natMap). */
  appUrl: string;
  /** The proxy the replica replicates through (a link-down on it cuts replication). */
  replicationProxy: string;
  /** Every proxy of the set, to heal. */
  proxyNames: string[];
  /** SIGKILL the primary; Sentinel then promotes the replica. It is not started again. */
  killPrimary(): Promise<void>;
  /** Resolves once the replica has applied everything the primary has. */
  synced(): Promise<void>;
  /** Stops all three and removes their data. */
  stop(): Promise<void>;
}

export interface Stack {
  mode: StackMode;
  runId: string;
  /** `cachelab:<runId>:`: every Redis key of this run starts with it. */
  keyPrefix: string;
  /** `cachelab_<runId>`: the PostgreSQL schema of this run, created by startStack. */
  schema: string;
  /** Direct: the lab and the checkers read real state through it, bypassing faults. */
  redisUrl: string;
  /** Direct. */
  databaseUrl: string;
  /** The fault proxy's API. */
  toxiproxyUrl: string;
  /** App 0's proxies (appLinks(n)[0]). */
  proxies: { redis: ProxyEndpoint; postgres: ProxyEndpoint };
  /** App 0's URLs: same credentials and database as the direct URLs, host:port replaced by the proxy's. */
  appRedisUrl: string;
  appDatabaseUrl: string;
  /**
   * The links of `count` app processes, each through its own pair of proxies (app 0's are
   * `proxies`); the extra pairs are created on first use and removed with the stack.
   */
  appLinks(count: number): Promise<AppLink[]>;
  /** Starts a fresh Redis failover set (local stack only; undefined where the stack cannot). */
  redisFailover?: () => Promise<FailoverSet>;
  /**
   * The AOF setting in effect: in local mode the one asked for at the start or by the last
   * useRedisPersistence(); in external mode what the server reports (CONFIG GET), 'unknown' when it
   * will not say.
   */
  redisPersistence: RedisPersistence | 'unknown';
  canKillRedis: boolean;
  /**
   * Why this stack cannot give a read replica whose lag the lab injects (external mode: the
   * replica is the user's, its replication link is not proxied); undefined when it can.
   */
  readReplicaMissing: string | undefined;
  /** The read replica, started on first call (local mode); rejects with a LabError when readReplicaMissing. */
  readReplica(): Promise<ReadReplica>;
  /**
   * Local: restarts redis-server, empty, with this AOF setting (a no-op when it already has it),
   * so one stack serves scenarios that need different persistence. External: the server's own
   * setting stays; resolves with what is in effect either way.
   */
  useRedisPersistence(persistence: RedisPersistence): Promise<RedisPersistence | 'unknown'>;
  /** SIGKILL the real redis-server (local) or run redisKillCommand; LabError if not possible. */
  killRedis(): Promise<void>;
  /** Start it again (same port, data dir, persistence; local) or run redisStartCommand; resolves once it answers PING. */
  startRedis(): Promise<void>;
  /** Human lines on how to connect (redis-cli, psql, proxy API), for --keep. */
  describe(): string[];
  /** Idempotent. Drops the namespace, stops what we started, removes the run dir; with keep, leaves all of it. */
  stop(): Promise<void>;
}
