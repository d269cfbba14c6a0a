import { displayWidth, kubectlTableSettings } from '../text/tabwriter';

/**
 * The server-side Table (meta.k8s.io/v1) that `kubectl get` asks for: the same data the real
 * kubectl will receive over the Kubernetes API, and what printTable() renders for the shell.
 */
export interface TableColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: 0 | 1;
}

export type TableCell = string | number;

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
  };
}

export interface TableRow {
  cells: TableCell[];
  object: PartialObjectMetadata;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export function column(name: string, priority: 0 | 1 = 0, type: TableColumnDefinition['type'] = 'string'): TableColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : '', description: '', priority };
}

export function table(resourceVersion: number, columnDefinitions: TableColumnDefinition[], rows: TableRow[]): Table {
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: String(resourceVersion) }, columnDefinitions, rows };
}

export function rowObject(name: string, namespace?: string, labels?: Record<string, string>, uid?: string): PartialObjectMetadata {
  const metadata: PartialObjectMetadata['metadata'] = { name };
  if (namespace !== undefined) metadata.namespace = namespace;
  if (uid !== undefined) metadata.uid = uid;
  if (labels !== undefined) metadata.labels = labels;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export interface PrintOptions {
  /** `-o wide`: also the priority-1 columns. */
  wide?: boolean;
  /** `-A`: a NAMESPACE column first, taken from each row's object. */
  withNamespace?: boolean;
}

/** kubectl's human-readable printer for a Table: upper-cased headers, tab-separated, tabwriter-aligned. */
export function printTable(t: Table, options: PrintOptions = {}): string {
  const shown = t.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => options.wide || c.priority === 0);
  const header = shown.map(({ c }) => c.name.toUpperCase());
  const lines = [options.withNamespace ? ['NAMESPACE', ...header] : header];
  for (const row of t.rows) {
    const cells = shown.map(({ i }) => String(row.cells[i]));
    lines.push(options.withNamespace ? [row.object.metadata.namespace ?? '', ...cells] : cells);
  }
  return alignUniformRows(lines);
}

/**
 * What Go's tabwriter makes of rows that all have the same number of cells: one block per column,
 * every column but the last padded to max(minwidth, widest cell + padding). Written out directly
 * because `get pods -A` at 150,000 pods is too slow through the general alignTabs.
 */
function alignUniformRows(lines: string[][]): string {
  const { minwidth, padding } = kubectlTableSettings;
  const columns = lines[0].length;
  const widths: number[] = [];
  for (let c = 0; c < columns - 1; c++) {
    let width = minwidth;
    for (const cells of lines) width = Math.max(width, displayWidth(cells[c]) + padding);
    widths.push(width);
  }
  const out: string[] = [];
  for (const cells of lines) {
    let line = '';
    for (let c = 0; c < columns - 1; c++) line += cells[c] + ' '.repeat(widths[c] - displayWidth(cells[c]));
    out.push(line + cells[columns - 1] + '\n');
  }
  return out.join('');
}

/** kubectl's message when a list comes back empty (printed on stderr). */
export function noResourcesFound(namespace?: string): string {
  return namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`;
}

/** Lists come back in the API server's storage order: by namespace, then name (byte order). */
export function byStorageKey<T extends { namespace?: string; name: string }>(a: T, b: T): number {
  const na = a.namespace ?? '';
  const nb = b.namespace ?? '';
  if (na !== nb) return `${na}/` < `${nb}/` ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
