import type { z } from 'zod';
import { badRequest } from '../problem/problem';

/** Parses a request part with a zod schema; a mismatch is a 400 naming every offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw badRequest(`The ${what} is invalid: ${errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; ')}`, errors);
}
