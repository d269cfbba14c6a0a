/**
 * Go's text/tabwriter (alignment to the left, padchar ' ', no flags), the layout engine behind
 * kubectl's tables and describe output. Cells are tab-terminated; the text after a line's last tab
 * is not part of any column. Columns are formed by blocks of consecutive lines that have a cell in
 * that column, each block as wide as its widest cell plus padding, but at least minwidth.
 */
export interface TabwriterSettings {
  minwidth: number;
  padding: number;
}

/** cli-runtime's printers.GetNewTabWriter: minwidth 6, tabwidth 4, padding 3. */
export const kubectlTableSettings: TabwriterSettings = { minwidth: 6, padding: 3 };
/** kubectl describe's tabwriter: minwidth 0, tabwidth 8, padding 2. */
export const kubectlDescribeSettings: TabwriterSettings = { minwidth: 0, padding: 2 };

export function alignTabs(text: string, settings: TabwriterSettings): string {
  const endsWithNewline = text.endsWith('\n');
  const body = endsWithNewline ? text.slice(0, -1) : text;
  const lines = body.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  format(lines, 0, lines.length, [], settings, out);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

function format(
  lines: string[][],
  from: number,
  to: number,
  widths: number[],
  settings: TabwriterSettings,
  out: string[],
): void {
  const column = widths.length;
  let blockStart = from;
  for (let current = from; current < to; current++) {
    if (column >= lines[current].length - 1) continue;
    writeLines(lines, blockStart, current, widths, out);
    blockStart = current;
    let width = settings.minwidth;
    for (; current < to && column < lines[current].length - 1; current++) {
      width = Math.max(width, displayWidth(lines[current][column]) + settings.padding);
    }
    widths.push(width);
    format(lines, blockStart, current, widths, settings, out);
    widths.pop();
    blockStart = current;
    current--;
  }
  writeLines(lines, blockStart, to, widths, out);
}

function writeLines(lines: string[][], from: number, to: number, widths: number[], out: string[]): void {
  for (let i = from; i < to; i++) {
    const cells = lines[i];
    let line = '';
    for (let j = 0; j < cells.length; j++) {
      line += j < widths.length ? cells[j] + ' '.repeat(widths[j] - displayWidth(cells[j])) : cells[j];
    }
    out.push(line);
  }
}

/** Go counts runes: a UTF-16 surrogate pair is one character. */
export function displayWidth(cell: string): number {
  return /[\ud800-\udbff]/.test(cell) ? [...cell].length : cell.length;
}
