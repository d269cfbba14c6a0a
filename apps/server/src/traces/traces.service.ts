import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { labConnectivity, trace, type LearnedNeighbour, type TracedRule, type TraceResult } from '@hoplab/simulator';
import type { CountedPacket } from '@hoplab/simulator/node-iptables';
import { LiveBroadcaster } from '../gateway/live-broadcaster.service';
import { LabRuntime } from '../runtime/lab-runtime.service';
import type { TraceRequestBody } from './trace.schemas';

export type TraceResponse = Omit<TraceResult, 'learned'> & {
  id: string;
  /** The lab version the trace ran against. */
  at: number;
};

/** Neighbour entries age out of a Linux ARP cache after tens of seconds; older ones are of no use. */
const NEIGHBOUR_MEMORY_MS = 10 * 60_000;

/**
 * Runs traces against a lab as it is now or as of a seq. Traces are activity, not mutations: they
 * append no event. What they resolved by ARP is remembered per lab so that the next packet skips ARP,
 * as a real second packet does (only for traces against the live lab). So are the iptables rules
 * they went through, summed per rule: `iptables -vnL` on a node adds them (countedPackets).
 */
@Injectable()
export class TracesService {
  private readonly neighbours = new Map<string, LearnedNeighbour[]>();
  /** Per lab: "node|table|chain|rule" → the traced packets and bytes through that rule. */
  private readonly counted = new Map<string, Map<string, CountedPacket & { packets: number }>>();

  constructor(
    @Inject(LabRuntime) private readonly runtime: LabRuntime,
    @Inject(LiveBroadcaster) private readonly broadcaster: LiveBroadcaster,
  ) {}

  async run(labId: string, body: TraceRequestBody): Promise<TraceResponse> {
    const request = { from: body.from, to: body.to, port: body.port, protocol: body.protocol };
    const live = body.at === undefined;
    const { result, version } = await this.runtime.stateAt(labId, body.at, (state, now) => ({
      result: trace(state, request, live ? { now, neighbours: this.neighbours.get(labId) ?? [] } : { now }),
      version: state.version,
    }));
    if (live) {
      this.remember(labId, result.learned);
      this.count(labId, result.traversed);
    }
    const { learned: _learned, ...rest } = result;
    const response: TraceResponse = { id: randomBytes(8).toString('hex'), at: version, ...rest };
    // Kept for replays (broadcastTrace keeps what it streams); an unstreamed one as of an older seq did not happen then.
    if (body.stream) void this.broadcaster.broadcastTrace(labId, response.id, response.hops, response, body.pacingMs);
    else if (live) await this.broadcaster.keepTrace(labId, response.id, response.hops, response);
    return response;
  }

  connectivity(labId: string, at: number | undefined, port: number, protocol: 'TCP' | 'UDP' | 'SCTP') {
    return this.runtime.stateAt(labId, at, (state) => labConnectivity(state, { port, protocol }));
  }

  /** The packets live traces sent through each node's rules, for runNodeIptables/nodeIptablesSave's `traced`. */
  countedPackets(labId: string): CountedPacket[] {
    return [...(this.counted.get(labId)?.values() ?? [])];
  }

  forget(labId: string): void {
    this.neighbours.delete(labId);
    this.counted.delete(labId);
  }

  private count(labId: string, traversed: readonly TracedRule[]): void {
    let counts = this.counted.get(labId);
    if (!counts) this.counted.set(labId, (counts = new Map()));
    for (const entry of traversed) {
      const key = `${entry.node}|${entry.table}|${entry.chain}|${entry.rule ?? ''}`;
      const sum = counts.get(key);
      if (sum) {
        sum.packets += 1;
        sum.bytes += entry.bytes;
      } else counts.set(key, { ...entry, packets: 1 });
    }
  }

  private remember(labId: string, learned: LearnedNeighbour[]): void {
    if (learned.length === 0) return;
    const newest = Math.max(...learned.map((entry) => entry.at));
    const kept = (this.neighbours.get(labId) ?? []).filter(
      (entry) => newest - entry.at < NEIGHBOUR_MEMORY_MS && !learned.some((fresh) => fresh.cache === entry.cache && fresh.ip === entry.ip),
    );
    this.neighbours.set(labId, [...kept, ...learned]);
  }
}
