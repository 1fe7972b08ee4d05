import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/runner/result.js';
import { DATA_ELEMENT_ID, renderHtmlReport } from '../../src/report/html.js';
import { resultId } from '../../src/report/html-markup.js';
import { paymentRun } from './run-fixture.js';

/** The markup of one result's section. */
function section(html: string, id: string): string {
  const from = html.indexOf(`<section class="result`, html.indexOf(`id="${id}"`) - 60);
  return html.slice(from, html.indexOf('</section>', from));
}

const count = (text: string, pattern: RegExp): number => [...text.matchAll(pattern)].length;

describe('the HTML report', () => {
  it('draws a bar per operation and a band per fault window in each result that ran', () => {
    const report = paymentRun();
    const html = renderHtmlReport(report);
    for (const result of report.results.filter((r) => r.verdict !== 'skipped')) {
      const markup = section(html, resultId(result.scenario, result.strategy));
      expect(count(markup, /<rect class="op (ok|fail|unknown)"/g)).toBe(result.history.length);
      expect(count(markup, /<rect class="fault-window /g)).toBe(result.timeline.filter((t) => t.window?.edge === 'start').length);
      for (const op of result.history) expect(markup).toContain(`data-op="${op.id}"`);
      expect(markup).toContain('<path class="fault-point"');
    }
  });

  it('links the summary to every result, shows a skipped one with its reason and no timeline', () => {
    const report = paymentRun();
    const html = renderHtmlReport(report);
    for (const result of report.results) {
      const id = resultId(result.scenario, result.strategy);
      expect(html).toContain(`href="#${id}"`);
      expect(html).toContain(`id="${id}"`);
    }
    const skipped = section(html, resultId('payment-double-spend', 'two-phase-commit'));
    expect(skipped).toContain('Skipped: needs a kill command in external mode');
    expect(skipped).not.toContain('<svg');
    expect(html).toContain('did not match their expectation');
  });

  it('adds the matrix, linked, when more than one scenario ran', () => {
    const report = paymentRun();
    const other = { ...report.results[0]!, scenario: 'inventory-oversell', strategy: 'cache-first' };
    const single = renderHtmlReport(report);
    const html = renderHtmlReport({ ...report, results: [...report.results, other] });
    expect(single).not.toContain('<table class="matrix-table"');
    expect(html).toContain('<table class="matrix-table"');
    expect(html.indexOf('<table class="matrix-table"')).toBeLessThan(html.indexOf('<table class="summary-table"'));
    expect(html).toContain(`href="#${resultId('inventory-oversell', 'cache-first')}"`);
    // Four strategies against two scenarios: the strategies go down, so the table stays narrow.
    expect([...html.matchAll(/<th scope="row">([^<]*)</g)].map((m) => m[1])).toEqual(['write-through', 'delete-on-write', 'two-phase-commit', 'cache-first']);
  });

  it('embeds the report object as data and escapes what the run wrote, so nothing in it becomes markup', () => {
    const report = paymentRun();
    const hostile = '</script><script>alert(1)</script> & <b>';
    const first = report.results[0]!;
    const withHostile: RunReport = { ...report, results: [{ ...first, explanation: hostile, checks: [{ ...first.checks[0]!, findings: [hostile] }] }, ...report.results.slice(1)] };
    const html = renderHtmlReport(withHostile);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;');
    const data = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">(.*?)</script>`, 's').exec(html)?.[1] ?? '';
    expect(JSON.parse(data)).toEqual(withHostile);
  });

  it('needs nothing from outside the file: no external script, style, image, font or link', () => {
    const html = renderHtmlReport(paymentRun());
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).not.toMatch(/href="(?!#)/);
    expect(html).not.toMatch(/@import|url\((?!#)/);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});
