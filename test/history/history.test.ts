import { describe, expect, it } from 'vitest';
import { History } from '../../src/history/history.js';

describe('history', () => {
  it('records invoke and completion times in order, and marks ops still in flight unknown', () => {
    const h = new History();
    const a = h.invoke('p1', 'alice', { kind: 'debit', key: 'k', amount: 1 });
    const b = h.invoke('p2', 'alice', { kind: 'debit', key: 'k', amount: 2 });
    h.complete(a, 'ok', 4000);
    h.closeInFlight('app killed');
    const [first, second] = h.completed();
    expect(first).toMatchObject({ id: 'p1', outcome: 'ok', value: 4000 });
    expect(second).toMatchObject({ id: 'p2', outcome: 'unknown', error: 'app killed' });
    expect(first?.completedAt).toBeGreaterThanOrEqual(first?.invokedAt ?? Infinity);
    expect(b.completedAt).toBeDefined();
  });
});
