import { badRequest } from '../problem/problem';

/** Reads `If-Match: "<version>"` (weak tags and bare numbers accepted); undefined when absent or `*`. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!match) throw badRequest(`If-Match must be the lab version in quotes, such as "12"; got ${header}.`, [{ path: 'If-Match', message: 'not a version' }]);
  return Number(match[1]);
}
