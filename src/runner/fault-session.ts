import type { FaultInjector } from '../drivers/fault-injector.js';
import type { History } from '../history/history.js';
import type { FaultPoint } from '../strategies/fault-points.js';
import type { Hit } from './app-process.js';
import type { FaultWindowKind, TimelineEntry } from './result.js';
import { describeFault, type Fault, type Link } from './scenario.js';

/** What the session needs of the stack: each app's proxies (index = app) and a way to kill Redis. */
export interface FaultTarget {
  /** `otherRedis`: proxies to further Redis nodes of the app (Sentinel replicas, Cluster nodes): its Redis link is all of them. */
  links: (Record<'redis' | 'postgres', { name: string }> & { otherRedis?: { name: string }[] })[];
  /**
   * Links that belong to no one app, one proxy each: the read replica's (the app's reads from it,
   * and its replication link to the primary), present only when the run has a read replica.
   */
  shared?: Partial<Record<Link, { name: string }>>;
  killRedis(): Promise<void>;
  /** The failover set's replication proxy and primary, when the run has one. */
  failover?: { replicationProxy: string; killPrimary(): Promise<void> };
}

/** The run's app processes, as far as faults touch them (AppFleet). */
export interface FaultApps {
  readonly size: number;
  pid(app: number): number | undefined;
  /** Throws for an app the run does not have. */
  check(app: number): void;
  kill(app: number): Promise<void>;
}

/** The scope a fault injected by the workload itself (ctx.inject) belongs to, until ctx.heal(). */
export const WORKLOAD_SCOPE = 'workload';

/** What fired a fault: an op that reached an armed point, or the workload itself (ctx.inject). */
export type Trigger = { op: string; point: FaultPoint } | 'workload';

/**
 * The faults of one run: injects them, remembers how to undo each network fault, and resolves
 * holds when the op they wait for reaches its point. Every injection lands in the timeline.
 * A scope is the op id whose completion undoes its faults, 'heal' (the heal phase does), or
 * WORKLOAD_SCOPE.
 */
export class FaultSession {
  readonly #undo = new Map<string, (() => Promise<void>)[]>();
  readonly #reached = new Set<string>();
  readonly #waiters = new Map<string, (() => void)[]>();
  /** The open window of a killed process ('redis', 'app:<n>'), closed when it is started again. */
  readonly #down = new Map<string, number>();
  #windows = 0;
  redisDown = false;
  /** What kept a fault from doing its job (a hold released by its timeout): each makes the result unknown. */
  readonly problems: string[] = [];

  constructor(
    private readonly injector: FaultInjector,
    private readonly target: FaultTarget,
    private readonly history: History,
    private readonly timeline: TimelineEntry[],
    /** ms a hold-until may wait for its op before it lets go. */
    private readonly holdTimeoutMs: number,
    /** Progress lines (--verbose): each fault as it is injected. */
    private readonly progress: (line: string) => void = () => undefined,
  ) {}

  reached(hit: Hit): void {
    this.#signal(`${hit.opId}@${hit.point}`);
  }

  completed(opId: string): void {
    this.#signal(`${opId}@done`);
  }

  /** Resolves when the op reaches `point`, or completes without reaching it (it never will). */
  whenReached(opId: string, point: FaultPoint): Promise<void> {
    return this.#wait([`${opId}@${point}`, `${opId}@done`]);
  }

  hasReached(a: { point: FaultPoint; opId: string }): boolean {
    return this.#reached.has(`${a.opId}@${a.point}`);
  }

  /**
   * Injects one fault. `apps` are the run's app processes and `app` the one a fault without its
   * own `app` concerns (kill-app: the app whose op reached the point); `trigger` says what fired
   * it, for the timeline ("after-db-commit (p1)", "workload"). Every fault that lasts opens a
   * window in the timeline, closed by the entry that undoes it.
   */
  async inject(fault: Fault, trigger: Trigger, scope: string, apps: FaultApps, app: number): Promise<void> {
    const triggerText = trigger === 'workload' ? trigger : `${trigger.point} (${trigger.op})`;
    const point = trigger === 'workload' ? {} : { point: { op: trigger.op, name: trigger.point } };
    /** Logs the fault; with `kind`, as the start of a window, whose id it returns. */
    const log = (event: string, kind?: FaultWindowKind): number => {
      const id = ++this.#windows;
      this.timeline.push({ at: this.history.now(), event, trigger: triggerText, ...point, ...(kind ? { window: { id, edge: 'start', kind } } : {}) });
      this.progress(`fault: ${event} at ${triggerText}`);
      return id;
    };
    const end = (id: number, kind: FaultWindowKind, event: string, entry: Partial<TimelineEntry> = {}): void => {
      this.timeline.push({ at: this.history.now(), event, ...entry, window: { id, edge: 'end', kind } });
    };
    switch (fault.kind) {
      case 'toxic': {
        const proxies = this.#proxies(fault.link, fault.app, apps);
        const names: string[] = [];
        for (const proxy of proxies) names.push(await this.injector.addToxic(proxy, fault.toxic));
        const id = log(`add toxic ${describeFault(fault)}`, 'network');
        this.#scoped(scope, async () => {
          for (const [i, proxy] of proxies.entries()) await this.injector.removeToxic(proxy, names[i] ?? '');
          end(id, 'network', `remove toxic ${describeFault(fault)}`);
        });
        return;
      }
      case 'link-down': {
        const proxies = this.#proxies(fault.link, fault.app, apps);
        for (const proxy of proxies) await this.injector.setEnabled(proxy, false);
        const which = fault.app === undefined ? '' : ` of app ${fault.app}`;
        const id = log(`${fault.link} link${which} down (proxy disabled)`, 'network');
        this.#scoped(scope, async () => {
          for (const proxy of proxies) await this.injector.setEnabled(proxy, true);
          end(id, 'network', `${fault.link} link${which} up`);
        });
        return;
      }
      case 'kill-app': {
        const index = fault.app ?? app;
        apps.check(index);
        const pid = apps.pid(index);
        if (pid === undefined) return;
        this.#down.set(`app:${index}`, log(`SIGKILL ${apps.size === 1 ? 'app' : `app ${index}`} (pid ${pid})`, 'process'));
        await apps.kill(index);
        return;
      }
      case 'kill-redis-primary':
        if (!this.target.failover) throw new Error('kill-redis-primary needs the redis-failover set: add it to the scenario\'s needs');
        log('SIGKILL the Redis primary (Sentinel promotes the replica)', 'process');
        await this.target.failover.killPrimary();
        return;
      case 'kill-redis':
        this.#down.set('redis', log('SIGKILL redis-server', 'process'));
        await this.target.killRedis();
        this.redisDown = true;
        return;
      case 'hold-until': {
        const id = log(describeFault(fault), 'hold');
        const target = fault.point === 'done' ? 'completed' : `reached ${fault.point}`;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), this.holdTimeoutMs)));
        const released = await Promise.race([this.#wait([`${fault.op}@${fault.point}`, `${fault.op}@done`]), timedOut]);
        clearTimeout(timer);
        if (released === true) {
          this.problems.push(`${triggerText}: the hold waited ${this.holdTimeoutMs} ms and ${fault.op} never ${target}; released it`);
        }
        const why = released === true ? 'timed out' : this.#reached.has(`${fault.op}@${fault.point}`) ? `${fault.op} ${target}` : `${fault.op} completed`;
        end(id, 'hold', `released (${why})`, { trigger: triggerText, ...point });
        return;
      }
      default:
        return unhandled(fault);
    }
  }

  /**
   * A process runs again (the app restarted, redis-server started): logs it, closing the window its
   * kill opened, if a fault killed it.
   */
  started(what: 'app' | 'redis', event: string, app = 0): void {
    const key = what === 'app' ? `app:${app}` : what;
    const id = this.#down.get(key);
    this.#down.delete(key);
    if (what === 'redis') this.redisDown = false;
    this.timeline.push({ at: this.history.now(), event, ...(id === undefined ? {} : { window: { id, edge: 'end', kind: 'process' } }) });
  }

  /** Lets every hold and every wait for a point go at once (the run is being interrupted). */
  releaseAll(): void {
    const waiters = [...this.#waiters.values()].flat();
    this.#waiters.clear();
    for (const resolve of waiters) resolve();
  }

  /** Undoes the faults of `scope`, latest first; true if there were any. */
  async undo(scope: string): Promise<boolean> {
    const actions = this.#undo.get(scope) ?? [];
    this.#undo.delete(scope);
    for (const action of actions.reverse()) await action();
    return actions.length > 0;
  }

  async undoAll(): Promise<void> {
    for (const scope of [...this.#undo.keys()]) await this.undo(scope);
  }

  /** The proxies a network fault on `link` acts on: a shared link's one, app `app`'s, or every app's. */
  #proxies(link: Link, app: number | undefined, apps: FaultApps): string[] {
    if (link === 'redis-replication') {
      if (!this.target.failover) throw new Error('the redis-replication link needs the redis-failover set: add it to the scenario\'s needs');
      return [this.target.failover.replicationProxy];
    }
    const shared = this.target.shared?.[link];
    if (shared !== undefined) return [shared.name];
    if (link !== 'redis' && link !== 'postgres') {
      throw new Error(`a fault on the ${link} link, which this run does not have (a scenario that needs read-replica has it)`);
    }
    if (app !== undefined) apps.check(app);
    const links = app === undefined ? this.target.links.slice(0, apps.size) : [this.target.links[app]];
    return links.flatMap((l) => (l === undefined ? [] : [l[link].name, ...(link === 'redis' ? (l.otherRedis ?? []).map((p) => p.name) : [])]));
  }

  #scoped(scope: string, action: () => Promise<void>): void {
    const list = this.#undo.get(scope) ?? [];
    list.push(action);
    this.#undo.set(scope, list);
  }

  #signal(key: string): void {
    this.#reached.add(key);
    for (const resolve of this.#waiters.get(key) ?? []) resolve();
    this.#waiters.delete(key);
  }

  /** Resolves when any of `keys` is signalled (at once if one already was). */
  #wait(keys: string[]): Promise<void> {
    if (keys.some((key) => this.#reached.has(key))) return Promise.resolve();
    return new Promise((resolve) => {
      for (const key of keys) {
        const list = this.#waiters.get(key) ?? [];
        list.push(resolve);
        this.#waiters.set(key, list);
      }
    });
  }
}

/** A fault kind added to the union but not to the switch fails to compile here. */
function unhandled(fault: never): never {
  throw new Error(`fault kind not handled: ${JSON.stringify(fault)}`);
}
