import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EventValidationError } from '@hoplab/events';
import { LabAlreadyExistsError, StoreUnavailableError, VersionConflictError } from '@hoplab/event-store';
import { ManifestError, SimulatorError } from '@hoplab/simulator';
import { ProblemDetails, ProblemException, problemTitle, problemType } from './problem';

/** Body-parser, Fastify and other connect-style errors carry their HTTP status on the error object. */
interface StatusError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  message?: string;
}

const slugs: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'unavailable',
};

/** Errors of the libraries, as the HTTP problems they mean. */
function domainProblem(error: unknown): ProblemException | undefined {
  if (error instanceof VersionConflictError) {
    return new ProblemException(409, 'version-conflict', `The lab is at version ${error.actual}, not ${error.expected}; nothing was changed.`);
  }
  if (error instanceof StoreUnavailableError) return new ProblemException(503, 'unavailable', 'The event store is unavailable; nothing was changed.');
  if (error instanceof EventValidationError) return new ProblemException(422, 'unprocessable', error.message, error.issues);
  if (error instanceof LabAlreadyExistsError) return new ProblemException(409, 'conflict', error.message);
  if (error instanceof ManifestError) return new ProblemException(error.status, error.status === 400 ? 'bad-manifest' : 'invalid-object', error.message, error.issues);
  if (error instanceof SimulatorError) {
    const status = { invalid: 422, 'not-found': 404, conflict: 409, exhausted: 409 }[error.code];
    return new ProblemException(status, error.code, error.message, error.path ? [{ path: error.path, message: error.message }] : undefined);
  }
  return undefined;
}

export function toProblem(error: unknown): ProblemDetails {
  const known = error instanceof ProblemException ? error : domainProblem(error);
  if (known) return known.toProblem();
  const status = statusOf(error);
  const detail = status >= 500 && status !== 503 ? 'The server failed to handle the request.' : detailOf(error, status);
  return { type: problemType(slugs[status] ?? 'error'), title: problemTitle(status), status, detail };
}

function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const candidate = (error as StatusError | undefined)?.status ?? (error as StatusError | undefined)?.statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate < 600 ? candidate : 500;
}

function detailOf(error: unknown, status: number): string {
  // Nest hands Fastify's own errors (413 over the body limit) over as HttpExceptions caused by them.
  const { type, code } = (error instanceof HttpException && error.cause ? error.cause : error) as StatusError;
  if (type === 'entity.too.large' || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is larger than the server accepts.';
  if (type === 'entity.parse.failed') return `The request body is not valid JSON: ${(error as StatusError).message}`;
  if (error instanceof HttpException) {
    const response = error.getResponse();
    if (typeof response === 'object' && response && 'message' in response) {
      const message = (response as { message: unknown }).message;
      return Array.isArray(message) ? message.join('; ') : String(message);
    }
    return error.message;
  }
  return (error as StatusError).message ?? problemTitle(status);
}

/** What sendProblem needs of a response: Fastify's reply, or Express's response in the Kubernetes API. */
export interface ProblemResponse {
  status(code: number): unknown;
  type(contentType: string): unknown;
  send(body: string): unknown;
}

export function sendProblem(response: ProblemResponse, problem: ProblemDetails): void {
  response.status(problem.status);
  response.type('application/problem+json; charset=utf-8');
  response.send(JSON.stringify(problem));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const problem = toProblem(error);
    if (problem.status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), problem);
  }
}
