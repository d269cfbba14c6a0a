import type { INestApplication } from '@nestjs/common';
import type { Express, Response } from 'express';
import { IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { LabAuthGuard } from '../auth/lab-auth.guard';
import { sizeInBytes } from '../gateway/size-limit';
import { answerProblem } from '../problem/problem.filter';
import { parseIfMatch } from './if-match';
import { LabCommandsService } from './lab-commands.service';
import { mutationView } from './mutation-view';
import { MUTATING_ROLES } from './mutations.controller';

/** `POST /api/labs/:lab/apply` as clients send it; other spellings (trailing slash, encoded ids) take the Express path. */
const applyPath = /^\/api\/labs\/([A-Za-z0-9_-]+)\/apply(?:\?|$)/;
const plainJson = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
const BOM = 0xfeff;

/**
 * The hot path of single mutations: `POST /api/labs/:lab/apply` with a JSON body, answered without
 * Express's and Nest's per-request machinery (middleware chain, router, parameter and response
 * handling: about 40% of a mutation's server CPU), through the same guard, commands and views as
 * MutationsController, with byte-identical answers.
 *
 * A request it cannot take as it is (another type, encoding or size, no JSON object) goes to Express
 * untouched; one that fails before anything runs (malformed JSON, token, role, If-Match, manifest) is
 * handed to Express with its body, so that Express answers it exactly as it answers it today. Only the
 * outcome of running the commands is answered here: the mutation, or its problem as ProblemFilter sends it.
 * Requests are only taken when no request logger is installed (pino-http logs each request in Express).
 */
export function installJsonApplyLane(app: INestApplication, options: { bodyLimit: string }): void {
  const server = app.getHttpServer() as Server;
  const express = app.getHttpAdapter().getInstance() as Express;
  const lane = new JsonApplyLane(app.get(LabAuthGuard), app.get(LabCommandsService), express, sizeInBytes(options.bodyLimit));
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const toExpress: RequestListener = (request, response) => {
    for (const listener of listeners) listener.call(server, request, response);
  };
  lane.toExpress = toExpress;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!lane.take(request, response)) toExpress(request, response);
  });
}

class JsonApplyLane {
  toExpress!: RequestListener;
  private readonly poweredBy: boolean;

  constructor(
    private readonly guard: LabAuthGuard,
    private readonly commands: LabCommandsService,
    private readonly express: Express,
    private readonly bodyLimit: number,
  ) {
    this.poweredBy = express.enabled('x-powered-by');
  }

  /** Takes the request when it is a JSON apply of a size Express would read; false leaves it to Express. */
  take(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST') return false;
    const match = applyPath.exec(request.url ?? '');
    if (!match) return false;
    const { headers } = request;
    if (!plainJson.test(headers['content-type'] ?? '') || headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const length = Number(headers['content-length']);
    if (!(length > 0 && length <= this.bodyLimit)) return false;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A client gone mid-body leaves nobody to answer.
    request.on('error', () => undefined);
    request.on('end', () => void this.apply(match[1], request, response, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    return true;
  }

  private async apply(labId: string, request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    let prepared: ReturnType<LabCommandsService['apply']>;
    let access: Awaited<ReturnType<LabAuthGuard['authorize']>>;
    let ifMatch: number | undefined;
    try {
      const manifest = parseObject(body);
      // The controller's order: the guard, then the body's commands, then If-Match.
      access = await this.guard.authorize(labId, request.headers.authorization, MUTATING_ROLES);
      prepared = this.commands.apply(manifest);
      ifMatch = parseIfMatch(request.headers['if-match']);
    } catch {
      // Nothing ran: Express answers it as it answers every bad request.
      this.toExpress(replay(request, body), response);
      return;
    }
    try {
      const result = await this.commands.execute(labId, prepared, { actor: access.role, ifMatch });
      const json = JSON.stringify(mutationView(result));
      // The headers Express and the controller send, in their order.
      response.statusCode = 200;
      if (this.poweredBy) response.setHeader('X-Powered-By', 'Express');
      response.setHeader('ETag', `"${result.version}"`);
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      response.setHeader('Content-Length', Buffer.byteLength(json));
      response.end(json);
    } catch (error) {
      answerProblem(error, this.asExpressResponse(request, response));
    }
  }

  /** What Express's app.handle makes of a response before its router runs. */
  private asExpressResponse(request: IncomingMessage, response: ServerResponse): Response {
    if (this.poweredBy) response.setHeader('X-Powered-By', 'Express');
    Object.assign(request, { res: response });
    Object.assign(response, { req: request, locals: Object.create(null) });
    Object.setPrototypeOf(request, this.express.request);
    Object.setPrototypeOf(response, this.express.response);
    return response as unknown as Response;
  }
}

/** The body as body-parser's strict JSON reads it, when it is a JSON object; anything else throws. */
function parseObject(body: Buffer): Record<string, unknown> {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === BOM) text = text.slice(1);
  const value: unknown = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('not a JSON object');
  return value as Record<string, unknown>;
}

/** A request carrying the same line, headers and (already read) body, for Express to read again. */
function replay(original: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(original.socket);
  copy.method = original.method;
  copy.url = original.url;
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  copy.headers = original.headers;
  copy.rawHeaders = original.rawHeaders;
  copy.push(body);
  copy.push(null);
  copy.complete = true;
  return copy;
}
