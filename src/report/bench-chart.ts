import * as asciichart from 'asciichart';

/** Columns each point takes in a chart: the sweep has a handful of points, a chart needs width. */
const COLUMNS_PER_POINT = 10;

export interface ChartSeries {
  values: number[];
  /** An asciichart colour, or undefined for the terminal's own. */
  color: string | undefined;
}

/**
 * A line chart of figures that span decades (throughput from hundreds to thousands a second), on a
 * log10 axis labelled in the figures' own units, one step per point, labelled with `xLabels`.
 */
export function logChart(series: ChartSeries[], xLabels: string[], unit: string, height = 8): string {
  const positive = (v: number): number => Math.log10(Math.max(v, 1e-3));
  const stretched = series.map((s) => s.values.flatMap((v) => Array<number>(COLUMNS_PER_POINT).fill(positive(v))));
  const plot = asciichart.plot(stretched, {
    height,
    ...(series.every((s) => s.color === undefined) ? {} : { colors: series.map((s) => s.color) }),
    format: (x: number) => `${figure(10 ** x)} ${unit}`.padStart(14),
  });
  // The axis labels take 14 + 2 columns (the label, a space and the axis).
  const axis = ' '.repeat(16) + xLabels.map((l) => l.padEnd(COLUMNS_PER_POINT)).join('');
  return `${plot}\n${axis.trimEnd()}`;
}

/** 3 significant figures, thousands grouped: 1234.5 -> "1,230"; 0.2345 -> "0.235". */
export function figure(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const rounded = Number(x.toPrecision(3));
  return Math.abs(rounded) >= 1000 ? Math.round(rounded).toLocaleString('en-US') : String(rounded);
}

export const chartColors = { measured: asciichart.blue, model: asciichart.yellow };
