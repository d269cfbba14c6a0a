import type { LabState } from '../../cluster/types';
import { kubectlTableSettings, type Table } from '../../views';
import { displayWidth } from '../../views/text/tabwriter';
import { fieldValues, parseFieldSelector } from './get';
import type { ResourceType } from './resources';
import { formatLabels, parseLabelSelector } from './selector';
import { resourceTable } from './tables';

/**
 * `kubectl get … -w` in the lab shell: what it watches, the rows it printed last and the column
 * widths printed so far. Plain JSON: the caller keeps it between appends (a socket.io client's
 * running line) and gets the lines to print for each new state from watchUpdate.
 */
export interface KubectlWatch {
  type: ResourceType;
  /** undefined: every namespace (-A). */
  namespace?: string;
  names: string[];
  labelSelector?: string;
  fieldSelector?: string;
  wide: boolean;
  withNamespace: boolean;
  showLabels: boolean;
  noHeaders: boolean;
  /** The cells last printed for each object, by namespace/name. */
  rows: Record<string, string[]>;
  /** kubectl's tabwriter remembers column widths across flushes (liggitt/tabwriter RememberWidths). */
  widths: number[];
  /** The header is printed with the first row when the list was empty. */
  headerPrinted: boolean;
}

interface Rows {
  header: string[];
  rows: Map<string, string[]>;
  ageColumn: number;
  statusColumn: number;
}

/** The table kubectl get would print for the watch, as cells (the columns -o wide, -A and --show-labels add included). */
function watchedRows(state: LabState, watch: Omit<KubectlWatch, 'rows' | 'widths' | 'headerPrinted'>, now: number): Rows {
  let table: Table = resourceTable(state, watch.type, watch.namespace, now);
  if (watch.names.length) table = { ...table, rows: table.rows.filter((r) => watch.names.includes(r.object.metadata.name)) };
  const labels = watch.labelSelector !== undefined ? parseLabelSelector(watch.labelSelector) : undefined;
  if (typeof labels === 'function') table = { ...table, rows: table.rows.filter((r) => labels(r.object.metadata.labels ?? {})) };
  const fields = watch.fieldSelector !== undefined ? parseFieldSelector(watch.fieldSelector) : undefined;
  if (typeof fields === 'function') table = { ...table, rows: table.rows.filter((r) => fields(fieldValues(state, watch.type, r.object.metadata.namespace, r.object.metadata.name))) };
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => watch.wide || c.priority === 0);
  const header = [...(watch.withNamespace ? ['NAMESPACE'] : []), ...shown.map(({ c }) => c.name.toUpperCase()), ...(watch.showLabels ? ['LABELS'] : [])];
  const rows = new Map<string, string[]>();
  for (const row of table.rows) {
    const { namespace, name, labels: rowLabels } = row.object.metadata;
    const cells = [...(watch.withNamespace ? [namespace ?? ''] : []), ...shown.map(({ i }) => String(row.cells[i])), ...(watch.showLabels ? [formatLabels(rowLabels)] : [])];
    rows.set(`${namespace ?? ''}/${name}`, cells);
  }
  return { header, rows, ageColumn: header.indexOf('AGE'), statusColumn: watch.type === 'pods' ? header.indexOf('STATUS') : -1 };
}

/** Prints `lines` with the widths remembered so far, widening them first as tabwriter does. */
function printRemembering(lines: string[][], widths: number[]): string {
  const { minwidth, padding } = kubectlTableSettings;
  for (const cells of lines) {
    for (let c = 0; c < cells.length - 1; c++) widths[c] = Math.max(widths[c] ?? minwidth, minwidth, displayWidth(cells[c]) + padding);
  }
  return lines.map((cells) => cells.map((cell, c) => (c < cells.length - 1 ? cell + ' '.repeat(widths[c] - displayWidth(cell)) : cell)).join('') + '\n').join('');
}

/** The watch as `kubectl get -w` starts it, after it printed the list of `state` (the caller printed that text). */
export function startWatch(state: LabState, spec: Omit<KubectlWatch, 'rows' | 'widths' | 'headerPrinted'>, now: number): KubectlWatch {
  const { header, rows } = watchedRows(state, spec, now);
  const widths: number[] = [];
  const printedAny = rows.size > 0;
  if (printedAny) printRemembering([...(spec.noHeaders ? [] : [header]), ...rows.values()], widths);
  return { ...spec, rows: Object.fromEntries(rows), widths, headerPrinted: printedAny || spec.noHeaders };
}

/**
 * What `kubectl get -w` prints when the lab changed: a row per object added or changed (AGE alone
 * does not count: the API server sends no event for it), and the last row of a deleted one (a pod
 * as Terminating). Deletions first, then the rest in list order.
 */
export function watchUpdate(state: LabState, watch: KubectlWatch, now: number): { stdout: string; watch: KubectlWatch } {
  const { header, rows, ageColumn, statusColumn } = watchedRows(state, watch, now);
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((cell, i) => i === ageColumn || cell === b[i]);
  const lines: string[][] = [];
  for (const [key, cells] of Object.entries(watch.rows)) {
    if (rows.has(key)) continue;
    lines.push(statusColumn >= 0 ? cells.map((cell, i) => (i === statusColumn ? 'Terminating' : cell)) : cells);
  }
  for (const [key, cells] of rows) {
    const before = watch.rows[key];
    if (!before || !same(before, cells)) lines.push(cells);
  }
  if (lines.length === 0) return { stdout: '', watch: { ...watch, rows: Object.fromEntries(rows) } };
  const widths = [...watch.widths];
  const withHeader = !watch.headerPrinted;
  const stdout = printRemembering(withHeader ? [header, ...lines] : lines, widths);
  return { stdout, watch: { ...watch, rows: Object.fromEntries(rows), widths, headerPrinted: true } };
}
