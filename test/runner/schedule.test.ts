import { describe, expect, it } from 'vitest';
import { LabError } from '../../src/errors.js';
import { faultNames, faultOf, formatSchedule, parseFaultKinds, parseSchedule, scheduledRules } from '../../src/runner/schedule.js';
import type { FaultRule } from '../../src/runner/scenario.js';

/** The usage error parse throws, with its message and hint. */
function usage(parse: () => unknown): { message: string; hint: string } {
  try {
    parse();
  } catch (err) {
    if (err instanceof LabError && err.code === 'usage') return { message: err.message, hint: err.hint ?? '' };
    throw err;
  }
  throw new Error('no usage error');
}

describe('schedule compact form', () => {
  it('parses entries, and formats them back the same', () => {
    const text = 'p1@after-db-commit:reset-redis;write:o7@after-db-commit:kill-app;p2@after-cache-read:link-down-postgres';
    const schedule = parseSchedule(text);
    expect(schedule).toEqual([
      { op: 'p1', point: 'after-db-commit', fault: 'reset-redis' },
      { op: 'write:o7', point: 'after-db-commit', fault: 'kill-app' },
      { op: 'p2', point: 'after-cache-read', fault: 'link-down-postgres' },
    ]);
    expect(formatSchedule(schedule)).toBe(text);
    expect(parseSchedule(' p1@after-db-commit:latency-redis ; ')).toEqual([{ op: 'p1', point: 'after-db-commit', fault: 'latency-redis' }]);
  });

  it('names what is valid when an entry is wrong', () => {
    expect(usage(() => parseSchedule('p1@after-commit:reset-redis')).hint).toContain('after-db-commit');
    const badFault = usage(() => parseSchedule('p1@after-db-commit:reset'));
    expect(badFault.message).toContain('unknown fault "reset"');
    expect(badFault.hint).toBe(`faults: ${faultNames().join(', ')}`);
    expect(usage(() => parseSchedule('p1:reset-redis')).message).toContain('is not op@point:fault');
    expect(usage(() => parseSchedule(' ; ')).message).toBe('--schedule is empty');
    expect(usage(() => parseSchedule('p 1@after-db-commit:kill-app')).message).toContain('is not an op id');
    expect(usage(() => parseSchedule('p1@after-db-commit:kill-app;p1@after-db-commit:reset-redis')).message).toContain('twice');
  });

  it('orders fault names simplest first, and parses --faults', () => {
    expect(faultNames()).toEqual([
      'reset-redis', 'reset-postgres', 'latency-redis', 'latency-postgres', 'link-down-redis', 'link-down-postgres', 'kill-app', 'kill-redis',
    ]);
    expect(faultNames(['kill-app', 'reset'])).toEqual(['reset-redis', 'reset-postgres', 'kill-app']);
    expect(parseFaultKinds(['link-down', 'reset'])).toEqual(['reset', 'link-down']);
    expect(usage(() => parseFaultKinds(['reset', 'partition'])).hint).toBe('fault kinds: reset, latency, link-down, kill-app, kill-redis');
  });

  it('maps names to the faults the runner injects', () => {
    expect(faultOf('reset-redis')).toEqual({ kind: 'toxic', link: 'redis', toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } } });
    expect(faultOf('link-down-postgres')).toEqual({ kind: 'link-down', link: 'postgres' });
    expect(faultOf('latency-postgres')).toMatchObject({ kind: 'toxic', link: 'postgres', toxic: { type: 'latency' } });
    expect(faultOf('kill-redis')).toEqual({ kind: 'kill-redis' });
  });

  it('replaces the scripted faults, keeps the holds, and puts each entry first at its point', () => {
    const scripted: FaultRule[] = [
      { op: 'w1', point: 'after-db-commit', inject: [{ kind: 'kill-app' }, { kind: 'hold-until', op: 'r1', point: 'done' }], until: 'heal' },
      { op: 'w2', point: 'after-cache-write', inject: [{ kind: 'link-down', link: 'redis' }] },
    ];
    const rules = scheduledRules(scripted, parseSchedule('w1@after-db-commit:reset-redis;r1@after-fill-read:kill-app'));
    expect(rules).toEqual([
      {
        op: 'w1',
        point: 'after-db-commit',
        inject: [
          { kind: 'toxic', link: 'redis', toxic: { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 }, name: 'schedule1_reset_peer' } },
          { kind: 'hold-until', op: 'r1', point: 'done' },
        ],
      },
      { op: 'w2', point: 'after-cache-write', inject: [] },
      { op: 'r1', point: 'after-fill-read', inject: [{ kind: 'kill-app' }] },
    ]);
    expect(scripted[0]?.inject).toHaveLength(2);
  });
});
