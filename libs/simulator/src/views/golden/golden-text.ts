import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real outputs copied from /work/shared (reference transcripts, the kubectl battery's stdout/stderr
 * parts, the seed notes) so the golden tests are self-contained.
 */
function read(file: string): string {
  return readFileSync(join(__dirname, file), 'utf8');
}

/** The text of a `=== <title>` section of a reference transcript. */
export function transcript(file: string, title: string): string {
  const lines = read(`${file}.txt`).split('\n');
  const start = lines.indexOf(`=== ${title}`);
  if (start < 0) throw new Error(`no section "${title}" in ${file}`);
  let end = start + 1;
  while (end < lines.length && !lines[end].startsWith('=== ')) end++;
  return lines.slice(start + 1, end).filter((line, i, all) => i < all.length - 1 || line !== '').join('\n') + '\n';
}

/** stdout and stderr of a kubectl battery capture. */
export function battery(name: string): { stdout: string; stderr: string } {
  const text = read(`kubectl-${name}.txt`);
  const stdout = text.slice(text.indexOf('--- stdout\n') + 11, text.indexOf('--- stderr\n'));
  const stderr = text.slice(text.indexOf('--- stderr\n') + 11).replace(/^\n$/, '');
  return { stdout, stderr };
}

/** The fenced block that follows the first seed line mentioning `command`. */
export function seedBlock(command: string): string {
  const lines = read('seed-000.txt').split('\n');
  const at = lines.findIndex((line) => line.includes(command));
  if (at < 0) throw new Error(`seed does not mention ${command}`);
  const open = lines.indexOf('```', at + 1);
  const close = lines.indexOf('```', open + 1);
  return lines.slice(open + 1, close).join('\n') + '\n';
}
