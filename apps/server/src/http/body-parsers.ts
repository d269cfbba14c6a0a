import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sizeInBytes } from '../gateway/size-limit';

/** Media types whose bodies are JSON, and those read as text (YAML manifests). */
const JSON_TYPES = ['application/json', /^application\/[^;\s]+\+json\s*(;|$)/i];
export const TEXT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

const BOM = 0xfeff;
const firstChar = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d])/;

/** A body the server cannot read, as body-parser names it (ProblemFilter answers it with a 400 problem). */
export class BodyParseError extends Error {
  readonly status = 400;
  readonly type = 'entity.parse.failed';
}

function text(body: Buffer): string {
  const decoded = body.toString('utf8');
  return decoded.charCodeAt(0) === BOM ? decoded.slice(1) : decoded;
}

/**
 * A JSON body as body-parser's strict JSON reads it: empty is `{}`, only an object or an array at the
 * top, and the same error messages.
 */
export function parseJsonBody(body: Buffer): unknown {
  const json = text(body);
  if (json.length === 0) return {};
  const first = firstChar.exec(json)?.[1];
  if (first !== undefined && first !== '{' && first !== '[') throw new BodyParseError(strictViolation(json, first));
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new BodyParseError((error as Error).message);
  }
}

/** JSON.parse's message for the first character that is not `{` or `[`, quoting the body's own text. */
function strictViolation(json: string, char: string): string {
  const index = json.indexOf(char);
  const partial = json.slice(0, index) + '#'.repeat(json.length - index);
  try {
    JSON.parse(partial);
  } catch (error) {
    return (error as Error).message.replace(/#+/g, (placeholder) => json.slice(index, index + placeholder.length));
  }
  return 'strict violation';
}

/** The request bodies the API reads, up to the configured limit (larger ones are a 413). */
export function useBodyParsers(app: NestFastifyApplication, limit: string): void {
  const bodyLimit = sizeInBytes(limit);
  for (const type of JSON_TYPES) app.useBodyParser(type, { bodyLimit }, (_request, body, done) => done(null, parseJsonBody(body)));
  app.useBodyParser(TEXT_TYPES, { bodyLimit }, (_request, body, done) => done(null, text(body)));
  // Other types are not read, as with Express: the handler sees no body and says what it needs.
  app.useBodyParser('*', { bodyLimit }, (_request, _body, done) => done(null, undefined));
}
