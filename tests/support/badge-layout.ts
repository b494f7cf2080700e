import { expect } from 'vitest';
/**
 * Page-side measurements for the "badges look like part of Xero" tests in both browsers: passed to
 * page.evaluate as strings (the same code in Playwright and Puppeteer, no bundler helpers).
 */

/** Where Xero's table puts things: header cells' x and width, the first rows' heights and cells' x. */
export const TABLE_LAYOUT = `(() => {
  const round = (n) => Math.round(n * 100) / 100;
  const table = document.querySelector('table#bankTransactions') || document.querySelector('table');
  const headers = [...table.querySelectorAll('thead th')].map((th) => {
    const r = th.getBoundingClientRect();
    return [round(r.left), round(r.width)];
  });
  const rows = [...table.querySelectorAll('tbody tr')].slice(0, 20).map((tr) => ({
    height: round(tr.getBoundingClientRect().height),
    cells: [...tr.cells].map((td) => round(td.getBoundingClientRect().left)),
  }));
  return { headers, rows, tableHeight: round(table.getBoundingClientRect().height) };
})()`;

/** Every drawn badge on screen: its font, whether its words fit, whether it stays inside its cell and row. */
export const DRAWN_BADGES = `(() => {
  const found = [];
  for (const host of document.querySelectorAll('client-hub-badge')) {
    const button = host.shadowRoot && host.shadowRoot.querySelector('button[data-state]');
    if (!button) continue;
    const r = button.getBoundingClientRect();
    if (r.bottom < 0 || r.top > innerHeight) continue;
    const cell = host.closest('td');
    const row = host.closest('tr');
    const c = cell ? cell.getBoundingClientRect() : r;
    const w = row ? row.getBoundingClientRect() : r;
    const style = getComputedStyle(button);
    found.push({
      text: button.textContent,
      fontFamily: style.fontFamily,
      fontSize: style.fontSize,
      fontWeight: style.fontWeight,
      scrollWidth: button.scrollWidth,
      clientWidth: button.clientWidth,
      insideCell: r.left >= c.left - 0.5 && r.right <= c.right + 0.5,
      insideRow: r.top >= w.top - 0.5 && r.bottom <= w.bottom + 0.5,
    });
  }
  return found;
})()`;

export const REMOVE_BADGES = `(() => {
  for (const host of [...document.querySelectorAll('client-hub-badge')]) host.remove();
})()`;

export interface TableLayout {
  headers: [number, number][];
  rows: { height: number; cells: number[] }[];
  tableHeight: number;
}

export interface DrawnBadgeLook {
  text: string;
  fontFamily: string;
  fontSize: string;
  fontWeight: string;
  scrollWidth: number;
  clientWidth: number;
  insideCell: boolean;
  insideRow: boolean;
}

/** A system sans-serif stack, not the browser's default serif. */
export const isSansSerif = (family: string) =>
  /(^|,)\s*sans-serif\s*$/.test(family) && !/^\s*("?times|serif\b)/i.test(family);

/**
 * Every badge drawn looks like part of Xero: its sans-serif font at 13 px, not bold, never cut short
 * (Firefox once showed "Push to Client …" at a fixed width), inside its cell and row.
 */
export function expectXeroLook(badges: readonly DrawnBadgeLook[]) {
  for (const badge of badges) {
    expect(isSansSerif(badge.fontFamily), badge.fontFamily).toBe(true);
    expect(badge.fontSize).toBe('13px');
    expect(Number(badge.fontWeight)).toBeLessThan(600);
    expect(badge.scrollWidth, badge.text).toBeLessThanOrEqual(badge.clientWidth);
    expect(badge.insideCell, badge.text).toBe(true);
    expect(badge.insideRow, badge.text).toBe(true);
  }
}
