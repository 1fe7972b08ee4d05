import type { RunReport, StrategyResult } from '../runner/result.js';
import { duration, el, esc, resultId } from './html-markup.js';
import { matchBadge, renderResult, verdictBadge } from './html-result.js';
import { pageStyle } from './html-style.js';

/** The id of the script element that carries the report's data as JSON. */
export const DATA_ELEMENT_ID = 'cachelab-report';

/**
 * One self-contained HTML document: styles, data and script inline, nothing fetched, so the file
 * opens from disk anywhere. The script only opens the collapsed histories for printing; every
 * table and the timelines work without it. `data` is embedded as JSON (the object `--json` prints),
 * so the file carries what it shows. Other commands render their own header and body into it.
 */
export function htmlPage(page: { title: string; header: string; body: string[]; data: unknown }): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(page.title)}</title>`,
    `<style>${pageStyle}</style>`,
    '</head>',
    '<body>',
    `<header>${page.header}</header>`,
    `<main>${page.body.join('\n')}</main>`,
    `<script type="application/json" id="${DATA_ELEMENT_ID}">${scriptSafeJson(page.data)}</script>`,
    `<script>${printScript}</script>`,
    '</body>',
    '</html>',
  ].join('\n') + '\n';
}

/** Opens every <details> while printing and closes those that were closed afterwards. */
const printScript =
  "(function(){var opened=[];addEventListener('beforeprint',function(){document.querySelectorAll('details:not([open])').forEach(function(d){d.open=true;opened.push(d);});});" +
  "addEventListener('afterprint',function(){opened.forEach(function(d){d.open=false;});opened=[];});})();";

/** JSON that cannot end the script element early nor break a line inside it. */
function scriptSafeJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * `--report` of `run` and `matrix`: the run's header, the matrix (scenario × strategy, when more
 * than one scenario ran) and the summary, each linking to its result; then per scenario what it
 * demonstrates, and per strategy its result with the timeline.
 */
export function renderHtmlReport(report: RunReport): string {
  const body = [...(scenarioNames(report).length > 1 ? [matrix(report)] : []), summary(report)];
  let index = 0;
  for (const name of scenarioNames(report)) {
    const about = report.scenarios.find((s) => s.name === name);
    const results = report.results.filter((r) => r.scenario === name);
    body.push(el('section', { class: 'scenario', id: `scenario-${resultId(name, '').replace(/-+$/, '')}` },
      el('h2', {}, esc(name)),
      about ? el('p', { class: 'summary-line' }, esc(about.summary)) + el('p', { class: 'about' }, esc(about.explanation)) : '',
      ...results.map((r) => renderResult(r, index++))));
  }
  return htmlPage({ title: `cachelab run ${report.runId}`, header: header(report), body, data: report });
}

function scenarioNames(report: RunReport): string[] {
  return [...new Set(report.results.map((r) => r.scenario))];
}

function header(report: RunReport): string {
  const counts = tally(report.results);
  const status = report.ok
    ? el('p', { class: 'run-status ok' }, `All ${counts.total} results matched their expectation.`)
    : el('p', { class: 'run-status not-ok' }, `${counts.mismatched} of ${counts.total} did not match their expectation${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}.`);
  const { stack } = report;
  const settings = Object.entries(report.driverSettings).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  const row = (name: string, value: string): string => el('div', {}, el('dt', {}, name), el('dd', {}, value));
  return el('h1', {}, `cachelab run ${el('code', {}, esc(report.runId))}`) + status + el('dl', { class: 'run-facts' },
    row('seed', `${report.seed} ${el('span', { class: 'hint' }, `(replay: --seed ${report.seed})`)}`),
    row('took', duration(report.durationMs)),
    row('stack', esc(`${stack.mode}: redis ${stack.redis}, postgres ${stack.postgres}, toxiproxy ${stack.toxiproxy}`)),
    row('drivers', esc(settings === '' ? '(defaults)' : settings)));
}

function tally(results: StrategyResult[]): { total: number; mismatched: number; skipped: number } {
  const skipped = results.filter((r) => r.verdict === 'skipped').length;
  return { total: results.length, skipped, mismatched: results.filter((r) => !r.matches && r.verdict !== 'skipped').length };
}

function link(result: StrategyResult, text: string): string {
  return el('a', { href: `#${resultId(result.scenario, result.strategy)}` }, text);
}

function summary(report: RunReport): string {
  const rows = report.results.map((r) => el('tr', { class: r.matches ? undefined : 'mismatch' },
    el('td', { class: 'name' }, esc(r.scenario)),
    el('td', { class: 'name' }, link(r, esc(r.strategy))),
    el('td', {}, verdictBadge(r.verdict)),
    el('td', {}, esc(r.expected)),
    el('td', {}, matchBadge(r)),
    el('td', {}, r.impact.length === 0 ? el('span', { class: 'none' }, 'none') : r.impact.map(esc).join('<br>'))));
  return el('section', { class: 'summary' }, el('h2', {}, 'Summary'),
    el('table', { class: 'summary-table' },
      el('thead', {}, el('tr', {}, ...['scenario', 'strategy', 'verdict', 'expected', 'match', 'impact'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows)));
}

/**
 * Scenarios × strategies, the longer list down so the table fits the page; each cell the verdict,
 * linking to its result, marked where it differs from the expectation.
 */
function matrix(report: RunReport): string {
  const scenarios = scenarioNames(report);
  const strategies = [...new Set(report.results.map((r) => r.strategy))];
  const scenariosDown = scenarios.length >= strategies.length;
  const [down, across] = scenariosDown ? [scenarios, strategies] : [strategies, scenarios];
  const find = (row: string, column: string): StrategyResult | undefined =>
    report.results.find((r) => (scenariosDown ? r.scenario === row && r.strategy === column : r.scenario === column && r.strategy === row));
  // A scenario's group name ends with "/": let a narrow column break there.
  const name = (text: string): string => esc(text).replace(/\//g, '/<wbr>');
  const rows = down.map((row) => el('tr', {},
    el('th', { scope: 'row' }, name(row)),
    ...across.map((column) => {
      const r = find(row, column);
      if (!r) return el('td', { class: 'not-run', title: 'not run' }, '–');
      const mark = r.verdict === 'skipped' || r.matches ? '' : el('span', { class: 'mismatch-mark', title: `expected ${r.expected}` }, ' ≠ expected');
      return el('td', { class: `cell ${r.verdict}` }, link(r, esc(r.verdict)), mark);
    })));
  const corner = scenariosDown ? 'scenario \\ strategy' : 'strategy \\ scenario';
  return el('section', { class: 'matrix' }, el('h2', {}, 'Matrix'),
    el('p', { class: 'hint' }, 'Which strategy holds against which failure; a dash: the scenario does not run that strategy. Each cell links to its result.'),
    el('div', { class: 'scroll' }, el('table', { class: 'matrix-table' },
      el('thead', {}, el('tr', {}, el('th', {}, corner), ...across.map((c) => el('th', { scope: 'col' }, name(c))))),
      el('tbody', {}, ...rows))));
}
