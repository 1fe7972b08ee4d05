/** Text as HTML or SVG content or attribute value: markup and quotes escaped, control characters dropped. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/[^\t\n\r\u0020-\u007E\u00A0-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** name="value" pairs; undefined and false leave the attribute out, true writes it bare. */
export function attrs(values: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${esc(value as string | number)}"`))
    .join('');
}

/** An element: `el('td', { class: 'num' }, '12')`. Content is markup, already escaped. */
export function el(name: string, attributes: Record<string, string | number | boolean | undefined>, ...content: string[]): string {
  return `<${name}${attrs(attributes)}>${content.join('')}</${name}>`;
}

/** A number of user units with at most one decimal, so the SVG stays small. */
export function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** An anchor id for a scenario x strategy, unique within a report: "payment-double-spend--write-through". */
export function resultId(scenario: string, strategy: string): string {
  const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug(scenario)}--${slug(strategy)}`;
}

/** ms as a reader wants it: "0.6 ms", "412 ms", "29.6 s". */
export function duration(ms: number): string {
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Average width of one character of the timeline's 11-unit font, user units (to fit labels without measuring). */
export const CHAR_W = 6.2;
