// Runs bench/*.bench.ts (all, or those named on the command line), writes bench/results/<name>.json
// and prints a table of the figures.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

interface BenchModule {
  run(): Promise<Record<string, unknown>>;
}

const suffix = '.bench.ts';

function selectBenches(requested: string[]): string[] {
  const available = readdirSync(__dirname)
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();
  const names = requested.map((arg) => arg.replace(/^.*\//, '').replace(/\.bench(\.ts)?$/, ''));
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; available: ${available.join(', ')}`);
  return names.length > 0 ? names : available;
}

/** { a: { b: 1 } } -> [["a.b", 1]] */
function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [[prefix, value]];
}

function format(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 3 });
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function main(): Promise<void> {
  const resultsDir = join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const rows: [string, string, string][] = [];
  for (const name of selectBenches(process.argv.slice(2))) {
    process.stderr.write(`running ${name}...\n`);
    const bench = require(join(__dirname, `${name}${suffix}`)) as BenchModule;
    const results = await bench.run();
    const report = { bench: name, measuredAt: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, results };
    writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    for (const [key, value] of flatten(results)) rows.push([name, key, format(value)]);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...[['bench', 'figure', 'value'], ...rows].map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 2 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  console.log(line(['bench', 'figure', 'value']));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
