import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DATA_ELEMENT_ID } from '../../src/report/html.js';
import { resultId } from '../../src/report/html-markup.js';
import type { RunReport, StrategyResult } from '../../src/runner/result.js';

/*
 * The --report page in a real browser: Debian's Chromium (scripts/setup.sh installs it), driven by
 * playwright-core, which never downloads a browser of its own. One launch for the whole file.
 * Screenshots and a printed PDF land in test-artifacts/ (gitignored) for people to look at.
 */
const root = join(import.meta.dirname, '../..');
const cli = join(root, 'bin/cachelab.js');
const artifacts = join(root, 'test-artifacts');
/** Debian's Chromium; CACHELAB_TEST_CHROMIUM points elsewhere (a Mac's Chrome, say). */
const CHROMIUM = process.env.CACHELAB_TEST_CHROMIUM ?? '/usr/bin/chromium';
const noUrls = { REDIS_URL: '', DATABASE_URL: '', TOXIPROXY_URL: '' };
const browserFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the checks read of an element in the page (the DOM's types are not in this project's lib). */
interface Drawn {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number };
  classList: { item(index: number): string | null; contains(name: string): boolean };
}

/** Runs the CLI in `dir` with --report and --json; returns the report it printed. */
async function runWithReport(dir: string, args: string[], file: string): Promise<{ exitCode: number | undefined; report: RunReport }> {
  const run = await execa('node', [cli, ...args, '--report', file, '--json'], { cwd: dir, env: noUrls, reject: false, timeout: 120_000 });
  expect(run.stderr).toContain(`report written to ${join(dir, file)}`);
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as RunReport };
}

/** Opens a file and collects console errors, page errors and any request that leaves the file. */
async function open(page: Page, file: string): Promise<{ errors: string[]; outside: string[] }> {
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) outside.push(request.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { errors, outside };
}

/** Every op of the history is a bar, and every fault window a band, drawn with the times recorded. */
async function expectTimeline(page: Page, result: StrategyResult): Promise<void> {
  const section = page.locator(`#${resultId(result.scenario, result.strategy)}`);
  const bars = await section.locator('svg.timeline rect.op').evaluateAll((rects: Drawn[]) =>
    rects.map((r) => [r.getAttribute('data-op'), Number(r.getAttribute('data-invoked')), Number(r.getAttribute('data-completed')), r.getBoundingClientRect().width]),
  );
  const byId = (a: unknown[], b: unknown[]): number => String(a[0]).localeCompare(String(b[0]));
  expect(bars.map(([id, invoked, completed]) => [id, invoked, completed]).sort(byId)).toEqual(result.history.map((op) => [op.id, op.invokedAt, op.completedAt]).sort(byId));
  for (const [, , , width] of bars) expect(width).toBeGreaterThan(0);

  const starts = result.timeline.filter((t) => t.window?.edge === 'start');
  const expected = starts.map((s) => {
    const end = result.timeline.find((t) => t.window?.edge === 'end' && t.window.id === s.window?.id);
    return [s.window?.kind, s.at, end?.at ?? null];
  });
  const bands = await section.locator('svg.timeline rect.fault-window').evaluateAll((rects: Drawn[]) =>
    rects.map((r) => [r.classList.item(1), Number(r.getAttribute('data-start')), r.classList.contains('open') ? null : Number(r.getAttribute('data-end'))]),
  );
  expect(bands.sort()).toEqual(expected.sort());
}

describe('the HTML report in a browser', () => {
  it('opens from disk with no errors: a bar per operation, a band per fault window, the matrix linking to each result', { timeout: 240_000 }, async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.sh (apt-get install -y chromium), or set CACHELAB_TEST_CHROMIUM`).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'cachelab-test-report-'));
    const profile = await mkdtemp(join(tmpdir(), 'cachelab-test-chromium-'));
    await mkdir(artifacts, { recursive: true });
    try {
      const payment = await runWithReport(dir, ['run', 'payment-double-spend'], 'r.html');
      expect(payment.exitCode).toBe(0);
      // The matrix of two strategies (four results: every scenario, every kind of fault window) keeps
      // the test short; whether each result matched is the scenario tests' concern.
      const matrix = await runWithReport(dir, ['matrix', '--strategy', 'write-through,cache-first'], 'm.html');
      expect([0, 1]).toContain(matrix.exitCode);
      const kinds = new Set(matrix.report.results.flatMap((r) => r.timeline.map((t) => t.window?.kind)));
      expect([...kinds].sort()).toEqual(['hold', 'network', 'process']);
      expect(new Set(matrix.report.results.map((r) => r.scenario)).size).toBeGreaterThan(1);

      const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: browserFlags, viewport: { width: 1280, height: 900 } });
      try {
        const page = await browser.newPage();
        const seen = await open(page, join(dir, 'r.html'));
        expect(JSON.parse((await page.locator(`script#${DATA_ELEMENT_ID}`).textContent()) ?? 'null')).toEqual(payment.report);
        expect(payment.report.results.map((r) => r.timeline.filter((t) => t.window?.edge === 'start').length)).toEqual(payment.report.results.map(() => 1));
        for (const result of payment.report.results) await expectTimeline(page, result);
        expect(await page.locator('table.summary-table a').count()).toBe(payment.report.results.length);
        await page.screenshot({ path: join(artifacts, 'report-payment-double-spend.png'), fullPage: true });
        await page.pdf({ path: join(artifacts, 'report-payment-double-spend.pdf'), format: 'A4' });
        expect((await stat(join(artifacts, 'report-payment-double-spend.pdf'))).size).toBeGreaterThan(10_000);
        expect(seen.errors).toEqual([]);
        expect(seen.outside).toEqual([]);

        const matrixPage = await browser.newPage();
        const seenMatrix = await open(matrixPage, join(dir, 'm.html'));
        const cells = matrixPage.locator('table.matrix-table td.cell a');
        expect(await cells.count()).toBe(matrix.report.results.length);
        for (const result of matrix.report.results) await expectTimeline(matrixPage, result);
        await matrixPage.screenshot({ path: join(artifacts, 'report-matrix-top.png') });
        // A cell's link lands on its result.
        await cells.last().click();
        const last = matrix.report.results.at(-1);
        expect(decodeURIComponent(new URL(matrixPage.url()).hash)).toBe(`#${resultId(last?.scenario ?? '', last?.strategy ?? '')}`);
        await matrixPage.screenshot({ path: join(artifacts, 'report-matrix-last-result.png') });
        expect(seenMatrix.errors).toEqual([]);
        expect(seenMatrix.outside).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(profile, { recursive: true, force: true });
    }
  });
});
