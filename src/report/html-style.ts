/**
 * The report page's stylesheet. Outcome colours: ok green, fail red, unknown amber and hatched (it
 * may have happened), so the three stay apart in greyscale print too. Fault windows: network red,
 * process down purple and hatched, a held op blue and hatched.
 */
export const pageStyle = `
:root { --ok: #1f9d55; --fail: #d63c3c; --unknown: #e3a008; --network: #e02424; --process: #7e3af2; --hold: #1c64f2;
  --ink: #1f2328; --muted: #5f6b7a; --rule: #d8dee4; --bg-soft: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; background: #fff; }
header, main { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; border-bottom: 1px solid var(--rule); padding-bottom: 8px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 28px 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 17px; margin: 26px 0 2px; }
h4 { font-size: 14px; margin: 16px 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
p { margin: 4px 0; }
a { color: #0b57d0; }
.hint, .meta, .none, .figures { color: var(--muted); font-size: 13px; }
.run-status { font-weight: 600; margin: 6px 0; padding: 6px 10px; border-radius: 6px; display: inline-block; }
.run-status.ok { background: #e3f6ea; color: #0f6b37; }
.run-status.not-ok { background: #fde8e8; color: #9b1c1c; }
.run-facts { display: grid; grid-template-columns: 1fr; gap: 2px; margin: 8px 0; font-size: 13px; }
.run-facts div { display: flex; gap: 10px; }
.run-facts dt { width: 64px; color: var(--muted); flex: none; }
.run-facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 13px; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); }
.num { font-variant-numeric: tabular-nums; }
td.name { white-space: nowrap; }
.scroll { overflow-x: auto; }
.badge { white-space: nowrap; display: inline-block; font-size: 12px; font-weight: 600; line-height: 1; padding: 4px 7px; border-radius: 10px; vertical-align: 2px; border: 1px solid transparent; }
.badge.consistent { background: #e3f6ea; color: #0f6b37; border-color: #a7dfbd; }
.badge.inconsistent { background: #fde8e8; color: #9b1c1c; border-color: #f5b5b5; }
.badge.unknown, .badge.skipped { background: #fdf6b2; color: #723b13; border-color: #f0d77a; }
.badge.match.yes { background: #fff; color: #0f6b37; border-color: #a7dfbd; font-weight: 500; }
.badge.match.no { background: #9b1c1c; color: #fff; }
.badge.match.skipped { background: #fff; color: #723b13; border-color: #f0d77a; font-weight: 500; }
tr.mismatch td { background: #fff5f5; }
.matrix-table td.cell { font-weight: 600; text-align: center; }
.matrix-table td.not-run { text-align: center; color: var(--muted); }
.matrix-table td.consistent { background: #e3f6ea; }
.matrix-table td.inconsistent { background: #fde8e8; }
.matrix-table td.unknown, .matrix-table td.skipped { background: #fdf6b2; }
.matrix-table td a { color: inherit; }
.mismatch-mark { color: #9b1c1c; font-weight: 700; }
.scenario-name { color: var(--muted); font-weight: 500; }
.summary-line { font-weight: 600; }
.about { max-width: 75ch; }
.expectation { font-size: 14px; }
.result { border-top: 1px solid var(--rule); margin-top: 18px; }
.status.stale.lasting, .status.cache-only.lasting { color: #9b1c1c; font-weight: 600; }
.status.stale, .status.cache-only { color: #8a4b08; font-weight: 600; }
.status.consistent { color: #0f6b37; }
.status.missing-in-cache { color: var(--muted); }
.outcome.ok { color: var(--ok); } .outcome.fail { color: var(--fail); } .outcome.unknown { color: #b45309; }
.impact li { font-weight: 600; }
.explanation { max-width: 85ch; }
.check ul { margin: 2px 0 6px; padding-left: 22px; }
.check-name { margin-top: 8px; }
details.history summary { cursor: pointer; color: var(--muted); margin-top: 14px; }
figure.timeline-figure { margin: 10px 0 6px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.legend-item { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 16px; height: 10px; border-radius: 2px; }
.swatch.ok { background: var(--ok); } .swatch.fail { background: var(--fail); }
.swatch.unknown { background: repeating-linear-gradient(45deg, var(--unknown) 0 3px, #fbe7a6 3px 6px); }
.swatch.network { background: rgba(224, 36, 36, .16); border: 1px dashed var(--network); }
.swatch.process { background: repeating-linear-gradient(45deg, rgba(126, 58, 242, .28) 0 2px, rgba(126, 58, 242, .08) 2px 6px); }
.swatch.hold { background: repeating-linear-gradient(45deg, rgba(28, 100, 242, .35) 0 2px, rgba(28, 100, 242, .08) 2px 6px); }
.swatch.point { width: 9px; height: 9px; background: var(--ink); transform: rotate(45deg); border-radius: 0; }
.swatch.snapshot { width: 0; height: 12px; border-left: 2px dashed var(--ink); border-radius: 0; }
svg.timeline { width: 100%; height: auto; display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.timeline text { font-size: 11px; fill: var(--ink); }
svg.timeline .tick { text-anchor: middle; fill: var(--muted); font-size: 10px; }
svg.timeline .lane-label { text-anchor: end; }
svg.timeline .axis-unit { fill: var(--muted); font-size: 10px; }
svg.timeline .lane-label.value { fill: var(--muted); }
svg.timeline .grid { stroke: #e6e9ed; stroke-width: 1; }
svg.load-chart { width: 100%; max-width: 760px; height: auto; display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.load-chart .axis { font-size: 10px; fill: var(--muted); }
svg.load-chart .load-db { fill: #6b8fc7; } svg.load-chart .load-db.errors { fill: #d0463c; }
svg.load-chart .load-req { stroke: #1f2937; stroke-width: 1.5; }
svg.load-chart .load-fault { fill: #fbe7c6; }
svg.timeline .stripe { fill: #fff; } svg.timeline .stripe.odd { fill: #f7f8fa; }
svg.timeline .lane-axis { stroke: #eceff2; }
svg.timeline rect.op { stroke-width: 1; }
svg.timeline rect.op.ok { fill: var(--ok); stroke: #167a41; }
svg.timeline rect.op.fail { fill: var(--fail); stroke: #a32525; }
svg.timeline rect.op.unknown { stroke: #b45309; }
svg.timeline .hatch-unknown-bg { fill: #fbe7a6; } svg.timeline .hatch-unknown-line { stroke: var(--unknown); stroke-width: 3; }
svg.timeline .hatch-hold-bg { fill: rgba(255, 255, 255, .35); } svg.timeline .hatch-hold-line { stroke: rgba(28, 100, 242, .8); stroke-width: 2; }
svg.timeline .hatch-process-bg { fill: rgba(126, 58, 242, .07); } svg.timeline .hatch-process-line { stroke: rgba(126, 58, 242, .25); stroke-width: 1.5; }
svg.timeline .op-label, svg.timeline .event-label { paint-order: stroke; stroke: rgba(255, 255, 255, .85); stroke-width: 3px; stroke-linejoin: round; }
svg.timeline .op-label { font-size: 10.5px; }
svg.timeline .op-label.inside { stroke: none; }
svg.timeline .op-label.inside.ok, svg.timeline .op-label.inside.fail { fill: #fff; font-weight: 600; }
svg.timeline .fault-window.network { fill: rgba(224, 36, 36, .13); stroke: var(--network); stroke-dasharray: 3 2; stroke-width: 1; }
svg.timeline .fault-window.process { stroke: var(--process); stroke-dasharray: 3 2; stroke-width: 1; }
svg.timeline .fault-window.hold { stroke: var(--hold); stroke-width: 1; }
svg.timeline .fault-window.open { stroke-dasharray: 1 3; }
svg.timeline .event-label { font-size: 10.5px; font-weight: 600; }
svg.timeline .event-label.network { fill: #b91c1c; } svg.timeline .event-label.process { fill: #5b21b6; }
svg.timeline .event-label.hold { fill: #1e429f; } svg.timeline .event-label.instant, svg.timeline .event-label.snapshot-label { fill: var(--muted); }
svg.timeline .instant-event { stroke: var(--muted); stroke-dasharray: 2 3; }
svg.timeline .fault-point { fill: var(--ink); stroke: #fff; stroke-width: 1; }
svg.timeline .snapshot { stroke: var(--ink); stroke-dasharray: 4 3; stroke-width: 1.2; }
svg.timeline .key-rule { stroke: var(--rule); }
svg.timeline .key-label { font-weight: 600; font-size: 11px; }
svg.timeline .chip rect { fill: #eef1f4; stroke: #b8c2cc; }
svg.timeline .chip text { font-size: 10.5px; font-variant-numeric: tabular-nums; }
svg.timeline .chip.final.stale rect, svg.timeline .chip.final.cache-only rect { fill: #fde8e8; stroke: var(--fail); }
svg.timeline .chip.final.missing-in-cache rect { fill: #fff; stroke-dasharray: 2 2; }
svg.timeline .unobserved { stroke: #9aa5b1; stroke-dasharray: 1 3; }
svg.timeline .answer { fill: #0b57d0; } svg.timeline .answer-line { stroke: #9cb8e6; }
svg.timeline .answer-label { font-size: 10.5px; fill: #0b3d91; font-variant-numeric: tabular-nums; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
@media (max-width: 700px) { header, main { padding: 0 10px; } }
@media print {
  body { font-size: 11pt; }
  header, main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .result { break-before: auto; }
  figure.timeline-figure, table, .check { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  details.history summary { color: var(--ink); }
}
`;
