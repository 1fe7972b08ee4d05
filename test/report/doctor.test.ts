import { describe, expect, it } from 'vitest';
import { renderDoctor } from '../../src/report/doctor.js';

const checks = [
  { name: 'node', ok: true, detail: 'v20.11.1' },
  {
    name: 'redis-server',
    ok: false,
    detail: 'not found on PATH',
    fix: 'install it (apt-get install redis-server, brew install redis) or pass --redis-url',
  },
  { name: 'postgres', ok: false, detail: 'port 5432 refused' },
];

describe('renderDoctor', () => {
  it('marks passing checks ✔ and failing ones ✘, with the fix on the line under a failing one', () => {
    const lines = renderDoctor({ checks }, { color: false }).split('\n');

    expect(lines[0]).toBe('✔ node          v20.11.1');
    expect(lines[1]).toBe('✘ redis-server  not found on PATH');
    expect(lines[2]).toBe(
      '                fix: install it (apt-get install redis-server, brew install redis) or pass --redis-url',
    );
    expect(lines[3]).toBe('✘ postgres      port 5432 refused');
  });

  it('ends with how many checks failed', () => {
    expect(renderDoctor({ checks }, { color: false })).toContain('2 of 3 checks failed');
  });

  it('says all checks passed when none failed', () => {
    const text = renderDoctor({ checks: [{ name: 'node', ok: true, detail: 'v20' }] }, { color: false });

    expect(text).toContain('all 1 checks passed');
    expect(text).not.toContain('✘');
  });

  it('uses no ANSI codes when colour is off, and some when it is on', () => {
    expect(renderDoctor({ checks }, { color: false })).not.toContain('\u001b[');
    expect(renderDoctor({ checks }, { color: true })).toContain('\u001b[');
  });
});
