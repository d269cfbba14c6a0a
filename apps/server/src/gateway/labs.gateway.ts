import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { EventStore, type TokenRole } from '@hoplab/event-store';
import { contextName, stackFromContextName, WORKSTATION } from '@hoplab/simulator/shell';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config';
import { LabCommandsService } from '../mutations/lab-commands.service';
import { badRequest, forbidden, ProblemException } from '../problem/problem';
import { toProblem } from '../problem/problem.filter';
import { ShellService } from '../shell/shell.service';
import { ShellWatches } from '../shell/shell-watches';
import { traceRequestSchema } from '../traces/trace.schemas';
import { TracesService } from '../traces/traces.service';
import { parseOrThrow } from '../validation/zod-body';
import { answer, failure } from './acks';
import { ActivityLog } from './activity-log';
import { eventView } from '../runtime/event-view';
import { authenticate, type LabSocketData } from './handshake';
import { LabFeeds } from './lab-feeds.service';
import { LabsNamespace, roomOf } from './labs-namespace';
import { PresenceCoalescer } from './presence-coalescer';
import { RateLimiter } from './rate-limiter';
import { ReplaySession, replayItems } from './replay-session';

type LabSocket = Socket & { data: LabSocketData };

const DEFAULT_MESSAGES_PER_SECOND = 50;
const MAX_REPLAY_EVENTS = 10_000;
/** At most one presence broadcast per lab this often, and no more often than every ms per member (each carries the whole list to everyone). */
const PRESENCE_INTERVAL_MS = 200;
const PRESENCE_MS_PER_MEMBER = 1;

const messages = ['command', 'exec', 'interrupt', 'trace', 'follow', 'replay', 'replay:pause', 'replay:resume', 'replay:step', 'replay:seek', 'replay:stop'];
const followSchema = z.object({ traceId: z.string().min(1).max(128) }).strict();
const execSchema = z.object({ command: z.string().min(1).max(100_000), context: z.string().min(1).max(300).optional() }).strict();
const replaySchema = z
  .object({ from: z.number().int().min(1), to: z.number().int().min(1).optional(), speed: z.number().positive().max(10_000).default(1) })
  .strict();
const seekSchema = z.object({ seq: z.number().int().min(1) }).strict();

/**
 * socket.io namespace `/labs` (API.md): the handshake names the lab and the token; the socket then
 * receives the lab's events (replayed after `after`, then live), presence, traces and derived
 * occurrences, and may send commands, follow-me selections and replay requests, each acknowledged.
 */
@WebSocketGateway({ namespace: '/labs' })
export class LabsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(LabsGateway.name);
  private readonly replays = new WeakMap<LabSocket, ReplaySession>();
  private readonly presence = new PresenceCoalescer((labId) => this.announcePresence(labId), PRESENCE_INTERVAL_MS, undefined, PRESENCE_MS_PER_MEMBER);
  private namespace!: Namespace;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    @Inject(LabsNamespace) private readonly labs: LabsNamespace,
    @Inject(LabFeeds) private readonly feeds: LabFeeds,
    @Inject(LabCommandsService) private readonly commands: LabCommandsService,
    @Inject(ActivityLog) private readonly activity: ActivityLog,
    @Inject(TracesService) private readonly traces: TracesService,
    @Inject(ShellService) private readonly shell: ShellService,
    @Inject(ShellWatches) private readonly watches: ShellWatches,
  ) {}

  afterInit(namespace: Namespace): void {
    this.namespace = namespace;
    this.labs.bind(namespace);
    this.feeds.bind(namespace);
    // Runs before the socket joins anything: a refused handshake is a connect_error carrying the problem.
    namespace.use((socket, next) => {
      authenticate(this.store, socket.handshake.auth, socket.id).then(
        (data) => {
          socket.data = data;
          next();
        },
        (error: unknown) => {
          const problem = toProblem(error);
          next(Object.assign(new Error(problem.detail), { data: problem }));
        },
      );
    });
  }

  async handleConnection(socket: LabSocket): Promise<void> {
    this.limitMessages(socket);
    const { labId, after } = socket.data;
    try {
      await this.feeds.attach(socket, labId, after);
    } catch (error) {
      this.logger.error(`lab ${labId}: catch-up of ${socket.id} failed: ${String(error)}`);
      socket.disconnect(true);
      return;
    }
    this.presence.changed(labId);
  }

  handleDisconnect(socket: LabSocket): void {
    // A socket refused at the handshake never had data.
    if (!socket.data?.labId) return;
    this.replays.get(socket)?.stop();
    this.watches.stop(socket.id);
    this.feeds.detach(socket.data.labId);
    this.presence.changed(socket.data.labId);
  }

  onModuleDestroy(): void {
    this.presence.stop();
  }

  @SubscribeMessage('command')
  command(@ConnectedSocket() socket: LabSocket, @MessageBody() message: unknown) {
    return answer(async () => {
      const { labId, role } = socket.data;
      requireRole(role, ['instructor', 'student'], 'change the lab');
      const { prepared, ifMatch } = this.commands.fromMessage(message);
      const { version, events, results } = await this.commands.execute(labId, prepared, { actor: role, ifMatch });
      return { version, events: events.map(eventView), ...(results ? { results } : {}) };
    });
  }

  /** One line of the lab shell in this client's own context (the context stack lives with the socket), or in a named one. */
  @SubscribeMessage('exec')
  exec(@ConnectedSocket() socket: LabSocket, @MessageBody() message: unknown) {
    return answer(async () => {
      const { command, context } = parseOrThrow(execSchema, message, 'exec message');
      const current = socket.data.shell ?? [WORKSTATION];
      // A context named by the client (as over REST) replaces the connection's own when they differ.
      const stack = context === undefined || context === contextName(current) ? current : stackFromContextName(context);
      if (!stack) throw badRequest(`context must be "workstation", "node/<name>" or "pod/<namespace>/<name>", not ${JSON.stringify(context)}.`, [{ path: 'context', message: 'unknown context' }]);
      // A new line ends the one still running (`kubectl get -w`), as typing at a terminal would after Ctrl-C.
      this.watches.stop(socket.id);
      const result = await this.shell.execById(socket.data.labId, socket.data.role, command, stack);
      socket.data.shell = result.stack;
      const { stack: _stack, watch, events, ...rest } = result;
      if (watch) this.watches.start(socket.id, socket.data.labId, watch, (stdout) => socket.emit('exec:output', { stdout }));
      return { ...rest, events: events.map(eventView), ...(watch ? { watching: true } : {}) };
    });
  }

  /** Ctrl-C: ends the client's running line (`kubectl get -w`); `interrupted` says whether one ran. */
  @SubscribeMessage('interrupt')
  interrupt(@ConnectedSocket() socket: LabSocket) {
    return answer(() => ({ interrupted: this.watches.stop(socket.id) }));
  }

  /** The body of POST /api/labs/:lab/traces; the ack carries its answer or its problem. */
  @SubscribeMessage('trace')
  trace(@ConnectedSocket() socket: LabSocket, @MessageBody() message: unknown) {
    return answer(() => this.traces.run(socket.data.labId, parseOrThrow(traceRequestSchema, message, 'trace request')));
  }

  /** "Follow me": the instructor's selected trace goes to everyone else in the lab. */
  @SubscribeMessage('follow')
  follow(@ConnectedSocket() socket: LabSocket, @MessageBody() message: unknown) {
    return answer(() => {
      requireRole(socket.data.role, ['instructor'], 'lead the class');
      const { traceId } = parseOrThrow(followSchema, message, 'follow message');
      socket.to(roomOf(socket.data.labId)).emit('follow', { traceId, by: socket.data.member });
      return {};
    });
  }

  @SubscribeMessage('replay')
  replay(@ConnectedSocket() socket: LabSocket, @MessageBody() message: unknown) {
    return answer(async () => {
      const { labId } = socket.data;
      const { from, to: requestedTo, speed } = parseOrThrow(replaySchema, message, 'replay request');
      const to = requestedTo ?? (await this.store.streamVersion(labId));
      if (to < from) throw badRequest(`The replay must end at or after its start (from ${from}, to ${to}).`, [{ path: 'to', message: `must be at least ${from}` }]);
      if (to - from + 1 > MAX_REPLAY_EVENTS) {
        throw new ProblemException(413, 'payload-too-large', `A replay covers at most ${MAX_REPLAY_EVENTS} events; ask for a shorter stretch.`);
      }
      const events = await this.store.readStream(labId, { from, to });
      this.replays.get(socket)?.stop();
      const session = new ReplaySession(replayItems(events, await this.activity.tracesBetween(labId, from, to)), speed, {
        item: (item) => {
          if (item.kind === 'event') {
            socket.emit('replay:event', eventView(item.event));
            return;
          }
          for (const hop of item.trace.hops) socket.emit('replay:hop', { traceId: item.trace.traceId, hop });
          socket.emit('replay:trace', { ...item.trace.result, id: item.trace.traceId });
        },
        status: (status) => socket.emit('replay:status', status),
      });
      this.replays.set(socket, session);
      return { from, to, ...session.play() };
    });
  }

  @SubscribeMessage('replay:pause')
  replayPause(@ConnectedSocket() socket: LabSocket) {
    return answer(() => this.replayOf(socket).pause());
  }

  @SubscribeMessage('replay:resume')
  replayResume(@ConnectedSocket() socket: LabSocket) {
    return answer(() => this.replayOf(socket).play());
  }

  @SubscribeMessage('replay:step')
  replayStep(@ConnectedSocket() socket: LabSocket) {
    return answer(() => this.replayOf(socket).step());
  }

  @SubscribeMessage('replay:seek')
  replaySeek(@ConnectedSocket() socket: LabSocket, @MessageBody() message: unknown) {
    return answer(() => this.replayOf(socket).seek(parseOrThrow(seekSchema, message, 'seek').seq));
  }

  @SubscribeMessage('replay:stop')
  replayStop(@ConnectedSocket() socket: LabSocket) {
    return answer(() => {
      this.replayOf(socket).stop();
      this.replays.delete(socket);
      return {};
    });
  }

  private replayOf(socket: LabSocket): ReplaySession {
    const session = this.replays.get(socket);
    if (!session) throw new ProblemException(409, 'conflict', 'No replay is running on this connection; send replay { from, to, speed } first.');
    return session;
  }

  /** Every message costs a token of the socket's bucket; unknown messages are answered, never ignored silently. */
  private limitMessages(socket: LabSocket): void {
    const perSecond = this.config.socketMessagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
    const limiter = new RateLimiter(perSecond, perSecond * 2, Date.now());
    socket.use(([name, ...args], next) => {
      const ack = args[args.length - 1];
      const reply = (error: ProblemException) => typeof ack === 'function' && ack(failure(error));
      if (!limiter.tryTake(Date.now())) return reply(new ProblemException(429, 'rate-limited', `At most ${perSecond} messages per second; this one was not handled.`));
      if (!messages.includes(name)) return reply(badRequest(`Unknown message "${String(name)}"; the server handles ${messages.join(', ')}.`));
      next();
    });
  }

  /** Resolves with the number of members announced. */
  private async announcePresence(labId: string): Promise<number> {
    try {
      const sockets = await this.namespace.in(roomOf(labId)).fetchSockets();
      const members = sockets.map((socket) => (socket.data as LabSocketData).member);
      this.namespace.to(roomOf(labId)).emit('presence', { members });
      return members.length;
    } catch (error) {
      this.logger.warn(`lab ${labId}: presence not announced: ${String(error)}`);
      return 0;
    }
  }
}

function requireRole(role: TokenRole, allowed: TokenRole[], action: string): void {
  if (!allowed.includes(role)) throw forbidden(`The ${role} role may not ${action}; it needs ${allowed.join(' or ')}.`);
}
