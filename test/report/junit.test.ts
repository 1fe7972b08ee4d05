import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../src/report/junit.js';
import type { RunReport } from '../../src/runner/result.js';
import { paymentRun } from './run-fixture.js';

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#10': '\n', '#13': '\r', '#9': '\t' };

function unescape(text: string): string {
  return text.replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole);
}

/**
 * A strict little parser for the XML subset a JUnit report uses: a declaration, elements,
 * double-quoted attributes, text. Throws on anything malformed: unbalanced tags, a raw `<`, `>` or
 * `"` where it may not appear, a bare `&`, or an unknown entity.
 */
function parseXml(xml: string): Element {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!xml.startsWith(declaration)) throw new Error('missing XML declaration');
  const root: Element = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([\w.-]+)((?:\s+[\w.-]+="[^"<>]*")*)\s*(\/?)>|([^<]+)/gy;
  let position = declaration.length;
  token.lastIndex = position;
  for (let m = token.exec(xml); m !== null; m = token.exec(xml)) {
    position = token.lastIndex;
    const top = stack[stack.length - 1];
    if (top === undefined) throw new Error('content after the root element');
    const [, closing, name, attrText, selfClosing, text] = m;
    if (text !== undefined) {
      if (/[>"]|&(?!(?:amp|lt|gt|quot|apos|#10|#13|#9);)/.test(text)) throw new Error(`unescaped text: ${text}`);
      top.text += unescape(text);
      continue;
    }
    if (name === undefined) throw new Error('unreachable');
    if (closing === '/') {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w.-]+)="([^"]*)"/g)) {
      const value = a[2] ?? '';
      if (/&(?!(?:amp|lt|gt|quot|apos|#10|#13|#9);)/.test(value)) throw new Error(`bare & in ${value}`);
      attrs[a[1] ?? ''] = unescape(value);
    }
    const element: Element = { name, attrs, children: [], text: '' };
    top.children.push(element);
    if (selfClosing !== '/') stack.push(element);
  }
  if (position !== xml.length) throw new Error(`cannot parse from: ${xml.slice(position, position + 40)}`);
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  const [document] = root.children.filter((c) => c.name !== '#text');
  if (document === undefined || root.children.length !== 1) throw new Error('expected one root element');
  return document;
}

function all(element: Element, name: string): Element[] {
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
}

describe('renderJunit', () => {
  it('writes one testsuite per scenario and one testcase per strategy, counted and timed in seconds', () => {
    const run = paymentRun();
    const first = run.results[0];
    if (first === undefined) throw new Error('fixture has results');
    run.results.push({ ...first, scenario: 'inventory-oversell', strategy: 'cache-first', durationMs: 250 });

    const doc = parseXml(renderJunit(run));
    const suites = all(doc, 'testsuite');

    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '4', failures: '1', skipped: '1', errors: '0', time: '5.678' });
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped, s.attrs.time])).toEqual([
      ['payment-double-spend', '3', '1', '1', '3.702'],
      ['inventory-oversell', '1', '0', '0', '0.250'],
    ]);
    expect(all(doc, 'testcase').map((c) => c.attrs.name)).toEqual([
      'payment-double-spend × write-through',
      'payment-double-spend × delete-on-write',
      'payment-double-spend × two-phase-commit',
      'inventory-oversell × cache-first',
    ]);
  });

  it('fails only the testcase whose verdict does not match, naming verdict, expectation and findings', () => {
    const doc = parseXml(renderJunit(paymentRun()));
    const failures = all(doc, 'failure');
    const failed = all(doc, 'testcase').filter((c) => c.children.some((child) => child.name === 'failure'));

    expect(failures).toHaveLength(1);
    expect(failed.map((c) => c.attrs.name)).toEqual(['payment-double-spend × delete-on-write']);
    expect(failures[0]?.attrs.message).toContain('verdict inconsistent, expected consistent');
    expect(failures[0]?.attrs.message).toContain('cache-vs-db: account:alice: cache 5000, database 4000, no TTL');
    expect(failures[0]?.text).toContain('verdict inconsistent, expected consistent\ncache-vs-db: account:alice');
  });

  it('marks a skipped strategy skipped with its reason, not passed and not failed', () => {
    const doc = parseXml(renderJunit(paymentRun()));
    const [skipped] = all(doc, 'skipped');

    expect(all(doc, 'skipped')).toHaveLength(1);
    expect(skipped?.attrs.message).toBe('needs a kill command in external mode: pass --kill-redis "docker compose kill redis"');
  });

  it('escapes <, &, " and quotes in names, messages and text so the document stays well formed', () => {
    const run: RunReport = paymentRun();
    const mismatch = run.results[1];
    if (mismatch === undefined) throw new Error('fixture has results');
    mismatch.strategy = 'cas<"v2">&co';
    mismatch.checks = [{ checker: 'bank', verdict: 'inconsistent', findings: ["a & b < c > d \"e\" 'f'\nline 2"], figures: {} }];
    mismatch.explanation = 'control \u0001 char and </failure> inside';

    const xml = renderJunit(run);
    const doc = parseXml(xml);
    const [failure] = all(doc, 'failure');

    expect(xml).not.toContain('\u0001');
    expect(all(doc, 'testcase')[1]?.attrs.name).toBe('payment-double-spend × cas<"v2">&co');
    expect(failure?.attrs.message).toContain("bank: a & b < c > d \"e\" 'f'\nline 2");
    expect(failure?.text).toContain('control  char and </failure> inside');
  });

  it('rejects broken XML in its own test parser, so the checks above can fail', () => {
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a name="x & y"></a>')).toThrow(/bare &/);
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>x < y</a>')).toThrow(/cannot parse/);
  });
});
