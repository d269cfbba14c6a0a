import { HttpException } from '@nestjs/common';

export interface ProblemFieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemFieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemTitle(status: number): string {
  return titles[status] ?? 'Error';
}

export function problemType(slug: string): string {
  return `https://hoplab.dev/problems/${slug}`;
}

/** An HTTP error that carries its own problem details. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    detail: string,
    readonly errors?: ProblemFieldError[],
  ) {
    super(detail, status);
  }

  toProblem(): ProblemDetails {
    return {
      type: problemType(this.slug),
      title: problemTitle(this.getStatus()),
      status: this.getStatus(),
      detail: this.message,
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (detail: string, errors?: ProblemFieldError[]) => new ProblemException(400, 'bad-request', detail, errors);
export const unauthorized = (detail: string) => new ProblemException(401, 'unauthorized', detail);
export const forbidden = (detail: string) => new ProblemException(403, 'forbidden', detail);
export const notFound = (detail: string) => new ProblemException(404, 'not-found', detail);
export const conflict = (detail: string) => new ProblemException(409, 'conflict', detail);
export const unprocessable = (detail: string, errors?: ProblemFieldError[]) => new ProblemException(422, 'unprocessable', detail, errors);
