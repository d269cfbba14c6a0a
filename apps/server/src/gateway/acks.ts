import { Logger } from '@nestjs/common';
import type { ProblemDetails } from '../problem/problem';
import { toProblem } from '../problem/problem.filter';

export type Ack<T extends object> = ({ ok: true } & T) | { ok: false; error: ProblemDetails };

const logger = new Logger('LabsGateway');

/** Runs a message handler and answers its acknowledgement: the result, or the problem REST would answer. */
export async function answer<T extends object>(handle: () => T | Promise<T>): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await handle()) };
  } catch (error) {
    return failure(error);
  }
}

export function failure(error: unknown): { ok: false; error: ProblemDetails } {
  const problem = toProblem(error);
  if (problem.status >= 500 && problem.status !== 501 && problem.status !== 503) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { ok: false, error: problem };
}
